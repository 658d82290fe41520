import {
  OutcomeUnknownError,
  PermanentError,
  refusedByPlatform,
  z,
  type ChannelMetrics,
  type InboxItemInput,
  type InboxItemRef,
  type OneStepConnector,
  type PluginContext,
  type PublishRequest,
  type PublishResult,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { TelegramApi, type BotCall } from './telegram-api';
import { SendLedger, type Attempt } from './telegram-ledger';
import { checkTextLength, messageTextOf, planSend } from './telegram-message';
import type { TelegramOptions } from './telegram-options.schema';
import { messageSchema, UpdateReader, type BotMessage } from './telegram-updates';

/** A copy dated this long before the send started is not the send's (Telegram dates to the second). */
const CLOCK_SLACK_MS = 60_000;

const chatInfoSchema = z.object({
  id: z.number(),
  type: z.string(),
  username: z.string().optional(),
  title: z.string().optional(),
  linked_chat_id: z.number().optional(),
});
type ChatInfo = z.infer<typeof chatInfoSchema>;

const meSchema = z.object({ id: z.number(), can_read_all_group_messages: z.boolean().optional() });
const memberSchema = z.object({ status: z.string() });

/**
 * A Telegram channel (or group) through the Bot API with a bot token: posts (text, a photo, a video, albums),
 * exactly once by an `attempt:` marker and, where the channel has a discussion group the bot reads, a lookup of the
 * group's automatic copy of the post; comments in the discussion group as the inbox, and replies; subscribers.
 */
export class TelegramConnector implements OneStepConnector {
  private readonly api: TelegramApi;
  private readonly ledger: SendLedger;
  private readonly updates: UpdateReader;
  private chatInfo?: ChatInfo;
  private lookupReady?: boolean;

  constructor(
    private readonly context: PluginContext,
    private readonly options: TelegramOptions,
  ) {
    this.api = new TelegramApi(context, options);
    this.ledger = new SendLedger(context.state);
    this.updates = new UpdateReader(context, this.api);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const earlier = await this.ledger.sent(request.idempotencyKey);
    if (earlier) {
      return earlier;
    }
    await this.refuseUnsettled(request.idempotencyKey);
    const plan = await planSend(request, this.options.chat);
    const messages = await this.send(
      request.idempotencyKey,
      'post',
      this.options.chat,
      plan.text,
      plan.messages,
      {
        method: plan.method,
        params: plan.params,
        files: plan.files,
        what: `publishing a post (${plan.method})`,
        creates: true,
      },
    );
    return this.recorded(request.idempotencyKey, messages);
  }

  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    const sent = await this.ledger.sent(idempotencyKey);
    if (sent) {
      return sent;
    }
    const attempt = await this.ledger.attempt(idempotencyKey);
    if (!attempt || attempt.kind !== 'post' || !(await this.canLookUp())) {
      // No marker: never sent. A reply, or no discussion group to read: publish decides (options.unknownOutcome).
      return undefined;
    }
    const since = Date.parse(attempt.since);
    let copy = await this.findCopy(attempt, since);
    const wait = since + this.options.lookupGraceMs - this.context.clock.now().getTime();
    if (!copy && wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, this.options.lookupGraceMs)));
      copy = await this.findCopy(attempt, since);
    }
    if (!copy) {
      // The group gets a copy of every channel post and the bot reads them all: absent means never posted.
      await this.ledger.clear(idempotencyKey);
      return undefined;
    }
    const chat = await this.chat();
    return this.recorded(idempotencyKey, [
      {
        message_id: copy.messageId,
        date: copy.date,
        chat: { id: chat.id, type: chat.type, username: chat.username },
      },
    ]);
  }

  async delete(remoteId: string): Promise<void> {
    const { chatId, messageId } = parseRemoteId(remoteId);
    const ids = (await this.ledger.messagesOf(remoteId)) ?? [messageId];
    const gone = (answer: { description?: string }) =>
      /message to delete not found|message_id_invalid/i.test(answer.description ?? '');
    try {
      await this.api.call(
        ids.length === 1
          ? {
              method: 'deleteMessage',
              params: { chat_id: chatId, message_id: ids[0] },
              what: 'deleting a post',
              creates: false,
              alsoFine: gone,
            }
          : {
              method: 'deleteMessages',
              params: { chat_id: chatId, message_ids: ids },
              what: 'deleting a post',
              creates: false,
              alsoFine: gone,
            },
      );
    } catch (error) {
      if (error instanceof PermanentError && /can't be deleted/i.test(error.message)) {
        throw refusedByPlatform(
          error.platformCode,
          `${error.message}: a bot can delete its channel posts only while it has the "Delete Messages" right, and in groups only messages younger than 48 hours; delete it in the Telegram app`,
        );
      }
      throw error;
    }
  }

  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    const chat = await this.chat();
    if (chat.linked_chat_id === undefined) {
      this.context.logger.info(
        'the channel has no linked discussion group: Telegram channels have comments only through one (channel settings → Discussion)',
      );
      return [];
    }
    if (!(await this.updates.read(chat.id, chat.linked_chat_id))) {
      return [];
    }
    await this.updates.prune(this.context.clock.now());
    return (await this.updates.inbox()).filter((item) => !since || item.receivedAt > since);
  }

  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    const earlier = await this.ledger.sent(request.idempotencyKey);
    if (earlier) {
      return earlier;
    }
    await this.refuseUnsettled(request.idempotencyKey);
    const { chatId, messageId } = parseRemoteId(item.remoteId);
    const text = messageTextOf(request.text);
    checkTextLength(text, false);
    const messages = await this.send(request.idempotencyKey, 'reply', chatId, text, 1, {
      method: 'sendMessage',
      params: {
        chat_id: chatId,
        text,
        reply_parameters: { message_id: messageId, allow_sending_without_reply: true },
      },
      what: 'answering a comment',
      creates: true,
    });
    return this.recorded(request.idempotencyKey, messages);
  }

  async fetchMetrics(): Promise<ChannelMetrics> {
    const count = await this.api.call<unknown>({
      method: 'getChatMemberCount',
      params: { chat_id: this.options.chat },
      what: 'reading the subscriber count',
      creates: false,
    });
    // Message views are not available to bots: only the subscriber count.
    return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? { followers: count } : {};
  }

  /**
   * A marker left by an attempt whose outcome stayed unknown and that lookup could not settle: with
   * `unknownOutcome: ask`, a person checks the channel instead of Metronome risking a second message.
   */
  private async refuseUnsettled(key: string): Promise<void> {
    const attempt = await this.ledger.attempt(key);
    if (!attempt) {
      return;
    }
    if (this.options.unknownOutcome === 'ask') {
      throw new PermanentError(
        `plugin telegram (${this.context.scope}): the ${attempt.kind} sent at ${attempt.since} got no answer, and a bot cannot look messages up in ${attempt.chatId}${attempt.kind === 'post' ? ' (no discussion group it reads)' : ''}: check the chat; if the message is not there, reschedule the post (options.unknownOutcome: resend sends again instead, and may duplicate)`,
      );
    }
    this.context.logger.warn(
      `sending again after an unknown outcome at ${attempt.since} (unknownOutcome: resend): the chat may show this ${attempt.kind} twice`,
    );
    await this.ledger.clear(key);
  }

  /** Paces, writes the attempt marker, sends; a refusal (nothing posted) clears the marker again. */
  private async send(
    key: string,
    kind: Attempt['kind'],
    chatId: string,
    text: string,
    messages: number,
    call: BotCall,
  ): Promise<BotMessage[]> {
    const now = this.context.clock.now();
    if (this.options.pace) {
      await this.ledger.pace(chatId, messages, now);
    }
    await this.ledger.begin(key, { kind, chatId, text, since: now.toISOString() });
    let result: unknown;
    try {
      result = await this.api.call(call);
    } catch (error) {
      if (!(error instanceof OutcomeUnknownError)) {
        await this.ledger.clear(key);
      }
      throw error;
    }
    const parsed = z
      .array(messageSchema)
      .min(1)
      .safeParse(Array.isArray(result) ? result : [result]);
    if (!parsed.success) {
      throw new OutcomeUnknownError(
        `plugin telegram: Telegram answered ${call.method} with something that is not a Message (${parsed.error.issues[0]?.message}); the message may have been posted`,
      );
    }
    return parsed.data;
  }

  private async recorded(key: string, messages: BotMessage[]): Promise<PublishResult> {
    const [first] = messages;
    const remoteId = `${first.chat.id}:${first.message_id}`;
    const url = urlOf(first.chat, first.message_id);
    const fresh = await this.ledger.record(key, {
      remoteId,
      ...(url ? { url } : {}),
      publishedAt: new Date(first.date * 1000).toISOString(),
      messageIds: messages.map((message) => message.message_id),
    });
    if (!fresh) {
      throw new PermanentError(
        `plugin telegram: message ${remoteId} is already recorded for another post; check the chat for a duplicate`,
      );
    }
    return { remoteId, ...(url ? { url } : {}), publishedAt: new Date(first.date * 1000) };
  }

  private async findCopy(attempt: Attempt, since: number) {
    const chat = await this.chat();
    await this.updates.read(chat.id, chat.linked_chat_id as number);
    return (await this.updates.copies()).find(
      (copy) => copy.text === attempt.text && copy.date * 1000 >= since - CLOCK_SLACK_MS,
    );
  }

  /** The channel as Telegram knows it (its numeric id, username, linked discussion group), once per instance. */
  private async chat(): Promise<ChatInfo> {
    if (!this.chatInfo) {
      const answer = await this.api.call<unknown>({
        method: 'getChat',
        params: { chat_id: this.options.chat },
        what: 'reading the channel',
        creates: false,
      });
      const parsed = chatInfoSchema.safeParse(answer);
      if (!parsed.success) {
        throw new Error(
          `plugin telegram: getChat answered something that is not a Chat (${parsed.error.issues[0]?.message})`,
        );
      }
      this.chatInfo = parsed.data;
    }
    return this.chatInfo;
  }

  /**
   * Whether lost sends can be looked up: the channel has a discussion group, the bot reads all its messages (an
   * admin there, or privacy mode off) and getUpdates works (no webhook).
   */
  private async canLookUp(): Promise<boolean> {
    if (this.lookupReady === undefined) {
      const chat = await this.chat();
      if (chat.linked_chat_id === undefined) {
        this.lookupReady = false;
      } else {
        const me = meSchema.parse(
          await this.api.call({ method: 'getMe', params: {}, what: 'reading the bot', creates: false }),
        );
        const member = memberSchema.safeParse(
          await this.api.call({
            method: 'getChatMember',
            params: { chat_id: chat.linked_chat_id, user_id: me.id },
            what: 'reading the bot’s rights in the discussion group',
            creates: false,
            alsoFine: () => true,
          }),
        );
        const admin = member.success && ['administrator', 'creator'].includes(member.data.status);
        this.lookupReady =
          (admin || me.can_read_all_group_messages === true) &&
          (await this.updates.read(chat.id, chat.linked_chat_id));
      }
    }
    return this.lookupReady;
  }
}

/** `<chat id>:<message id>`, as publish and the inbox answer them. */
export function parseRemoteId(remoteId: string): { chatId: string; messageId: number } {
  const match = /^(-?\d+):(\d+)$/.exec(remoteId);
  if (!match) {
    throw new PermanentError(
      `plugin telegram: "${remoteId}" is not a Telegram message id of the form <chat id>:<message id>`,
    );
  }
  return { chatId: match[1], messageId: Number(match[2]) };
}

/** t.me/<username>/<id> for a public chat, t.me/c/<id without -100>/<id> for a private channel or supergroup. */
export function urlOf(chat: { id: number; username?: string }, messageId: number): string | undefined {
  if (chat.username) {
    return `https://t.me/${chat.username}/${messageId}`;
  }
  const id = String(chat.id);
  return id.startsWith('-100') ? `https://t.me/c/${id.slice(4)}/${messageId}` : undefined;
}
