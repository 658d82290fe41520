import { z, type InboxItemInput, type PluginContext, type PluginStateStore } from '../../src/plugin-sdk';
import type { TelegramApi } from './telegram-api';

/**
 * The part of a Message (https://core.telegram.org/bots/api#message) the connector reads. An automatic forward
 * (`is_automatic_forward`) is Telegram's copy of a channel post in the channel's linked discussion group;
 * `forward_origin` (MessageOriginChannel) names the channel post it copies.
 */
const chatSchema = z.object({ id: z.number(), type: z.string(), username: z.string().optional() });
const baseMessage = z.object({
  message_id: z.number().int().positive(),
  date: z.number().int(),
  chat: chatSchema,
  from: z
    .object({
      id: z.number(),
      is_bot: z.boolean().optional(),
      username: z.string().optional(),
      first_name: z.string().optional(),
    })
    .optional(),
  sender_chat: chatSchema.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  is_automatic_forward: z.boolean().optional(),
  forward_origin: z
    .object({ type: z.string(), chat: chatSchema.optional(), message_id: z.number().optional() })
    .optional(),
});
export const messageSchema = baseMessage.extend({ reply_to_message: baseMessage.optional() });
export type BotMessage = z.infer<typeof messageSchema>;

const updateSchema = z.object({ update_id: z.number().int(), message: z.unknown().optional() });

/** A channel post as its discussion group's automatic forward showed it: what lookup searches. */
export interface ChannelCopy {
  messageId: number;
  text: string;
  /** Unix seconds, as Telegram dates the copy. */
  date: number;
}

/** Updates per getUpdates call (the Bot API's maximum) and calls per read, so a read stays bounded. */
const PAGE = 100;
const MAX_PAGES = 10;
/** Copies and inbox items older than this are dropped from state. */
const KEEP_MS = 14 * 86_400_000;

const OFFSET = 'updates:offset';
const LAST_RECEIVED = 'updates:last-received';
const copyKey = (messageId: number) => `copy:${String(messageId).padStart(12, '0')}`;
const inboxKey = (chatId: number, messageId: number) =>
  `inbox:${chatId}:${String(messageId).padStart(12, '0')}`;

/**
 * Reads the bot's updates with getUpdates (offset in state; Telegram keeps unread updates 24 h) and files what
 * matters: the discussion group's automatic forwards of this channel's posts (`copy:`), and people's messages in the
 * group (`inbox:`). Refused (409) while a webhook is set: then neither lookup nor the inbox has anything.
 */
export class UpdateReader {
  constructor(
    private readonly context: PluginContext,
    private readonly api: TelegramApi,
  ) {}

  private get state(): PluginStateStore {
    return this.context.state;
  }

  /** Reads every pending update (bounded); false when getUpdates is refused (a webhook is set). */
  async read(channelId: number, groupId: number): Promise<boolean> {
    let offset = (await this.state.get<number>(OFFSET)) ?? 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const updates = await this.api.call<unknown[]>({
        method: 'getUpdates',
        params: { offset, limit: PAGE, timeout: 0, allowed_updates: ['message'] },
        what: 'reading updates (getUpdates)',
        creates: false,
        alsoFine: (answer) => answer.error_code === 409,
      });
      if (updates === undefined) {
        this.context.logger.warn(
          'getUpdates is refused while the bot has a webhook: the inbox and the lookup of lost sends need it; remove the webhook (deleteWebhook) or use a bot of its own for this channel',
        );
        return false;
      }
      if (!Array.isArray(updates) || updates.length === 0) {
        break;
      }
      for (const raw of updates) {
        const update = updateSchema.safeParse(raw);
        if (!update.success) {
          continue;
        }
        offset = Math.max(offset, update.data.update_id + 1);
        const message = messageSchema.safeParse(update.data.message);
        if (message.success && message.data.chat.id === groupId) {
          await this.file(message.data, channelId);
        }
      }
      await this.state.set(OFFSET, offset);
      if (updates.length < PAGE) {
        break;
      }
    }
    return true;
  }

  /** Copies of channel posts, newest first. */
  async copies(): Promise<ChannelCopy[]> {
    return (await this.state.list<ChannelCopy>('copy:')).map((entry) => entry.value).reverse();
  }

  async inbox(): Promise<InboxItemInput[]> {
    return (await this.state.list<StoredItem>('inbox:')).map(({ value }) => ({
      ...value,
      receivedAt: new Date(value.receivedAt),
    }));
  }

  /** Drops copies and items older than two weeks. */
  async prune(now: Date): Promise<void> {
    const cutoff = now.getTime() - KEEP_MS;
    for (const { key, value } of await this.state.list<ChannelCopy>('copy:')) {
      if (value.date * 1000 < cutoff) {
        await this.state.delete(key);
      }
    }
    for (const { key, value } of await this.state.list<StoredItem>('inbox:')) {
      if (Date.parse(value.receivedAt) < cutoff) {
        await this.state.delete(key);
      }
    }
  }

  private async file(message: BotMessage, channelId: number): Promise<void> {
    const origin = message.forward_origin;
    if (message.is_automatic_forward) {
      if (origin?.type === 'channel' && origin.chat?.id === channelId && origin.message_id !== undefined) {
        const copy: ChannelCopy = {
          messageId: origin.message_id,
          text: message.text ?? message.caption ?? '',
          date: message.date,
        };
        await this.state.set(copyKey(origin.message_id), copy);
      }
      return;
    }
    const parent = message.reply_to_message;
    const onPost =
      parent?.is_automatic_forward && parent.forward_origin?.chat?.id === channelId
        ? parent.forward_origin.message_id
        : undefined;
    const item: StoredItem = {
      remoteId: `${message.chat.id}:${message.message_id}`,
      kind: parent === undefined ? 'message' : onPost !== undefined ? 'comment' : 'reply',
      author:
        message.sender_chat?.username !== undefined
          ? `@${message.sender_chat.username}`
          : message.from?.username !== undefined
            ? `@${message.from.username}`
            : (message.from?.first_name ?? String(message.from?.id ?? message.sender_chat?.id ?? 'unknown')),
      text: message.text ?? message.caption ?? '',
      receivedAt: new Date(await this.receivedAt(message.date)).toISOString(),
      ...(parent
        ? {
            inReplyToRemoteId:
              onPost !== undefined ? `${channelId}:${onPost}` : `${message.chat.id}:${parent.message_id}`,
          }
        : {}),
      // The channel answering as itself, or the bot (Telegram sends a bot none of its own messages).
      byOwner: message.sender_chat?.id === channelId || message.from?.is_bot === true,
    };
    await this.state.set(inboxKey(message.chat.id, message.message_id), item);
  }

  /**
   * Telegram dates messages to the second; items are filed in update order, so one filed in the same second as the
   * one before gets a millisecond more: a strict order the core's `since` cursor can rely on.
   */
  private async receivedAt(date: number): Promise<number> {
    const last = (await this.state.get<number>(LAST_RECEIVED)) ?? 0;
    const at = Math.max(date * 1000, last + 1);
    await this.state.set(LAST_RECEIVED, at);
    return at;
  }
}

type StoredItem = Omit<InboxItemInput, 'receivedAt'> & { receivedAt: string };
