import {
  outcomeUnknown,
  PermanentError,
  readMediaFile,
  refusedByPlatform,
  type ChannelMetrics,
  type InboxItemInput,
  type InboxItemRef,
  type MediaAttachment,
  type OneStepConnector,
  type PluginContext,
  type PublishRequest,
  type PublishResult,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { DiscordApi, type UploadFile } from './discord-api';
import { SendLedger, type PendingSend, type SentMessage } from './discord-ledger';
import { filesOf, messageOf, nonceOf, type MessagePayload } from './discord-message';
import { modeOf, type DiscordConnectorOptions, type DiscordMode } from './discord-options.schema';
import {
  channelSchema,
  guildSchema,
  messageListSchema,
  messageSchema,
  parsed,
  userSchema,
  webhookSchema,
  type DiscordMessage,
} from './discord-schemas';
import { compareSnowflakes, snowflakeAt, timeOfSnowflake } from './discord-snowflake';

/** Messages per page of `GET /channels/{id}/messages` (Discord's maximum). */
const PAGE = 100;
/** Pages lookup and the inbox read per call, so a busy channel cannot make a call unbounded. */
const MAX_PAGES = 5;
/** A message created this long before the send started is not the send's (clocks differ a little). */
const CLOCK_SLACK_MS = 60_000;
/** The first inbox poll reads this far back. */
const FIRST_POLL_MS = 24 * 3_600_000;
const MIB = 1024 * 1024;

const ROUTES = {
  create: 'POST /channels/{id}/messages',
  list: 'GET /channels/{id}/messages',
  remove: 'DELETE /channels/{id}/messages/{id}',
  channel: 'GET /channels/{id}',
  guild: 'GET /guilds/{id}',
  me: 'GET /users/@me',
  execute: 'POST /webhooks/{id}/{token}',
  webhook: 'GET /webhooks/{id}/{token}',
  webhookMessage: 'GET /webhooks/{id}/{token}/messages/{id}',
  webhookRemove: 'DELETE /webhooks/{id}/{token}/messages/{id}',
} as const;

/**
 * A Discord text channel, through a bot (REST API v10: messages with embeds and files, exactly once by Discord's
 * enforced nonce and a marker lookup; mentions and replies as the inbox; the server's member count) or through a
 * channel webhook (publishing and deleting only).
 */
export class DiscordConnector implements OneStepConnector {
  private readonly mode: DiscordMode;
  private readonly api: DiscordApi;
  private readonly ledger: SendLedger;
  private me?: string;
  private where?: { guildId?: string; channelId?: string };

  constructor(
    private readonly context: PluginContext,
    private readonly options: DiscordConnectorOptions,
  ) {
    this.mode = modeOf(options);
    this.api = new DiscordApi(context, this.mode, options.timeoutMs);
    this.ledger = new SendLedger(context.state);
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    return this.send(request.idempotencyKey, {
      text: request.text,
      title: request.title,
      extra: request.extra,
      media: request.media,
    });
  }

  async reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    if (this.mode.kind !== 'bot') {
      throw new PermanentError(
        `plugin discord (${this.context.scope}): a webhook cannot answer messages; use the bot mode (botToken, channelId) to reply`,
      );
    }
    return this.send(request.idempotencyKey, {
      text: request.text,
      extra: {},
      media: [],
      replyTo: item.remoteId,
    });
  }

  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    const sent = await this.ledger.sent(idempotencyKey);
    if (sent) {
      return this.resultOf(sent);
    }
    const pending = await this.ledger.pending(idempotencyKey);
    if (!pending) {
      return undefined;
    }
    if (this.mode.kind !== 'bot') {
      // A webhook cannot list the channel's messages: a lost answer cannot be found (see README, exactly once).
      this.context.logger.warn(
        'the answer to a webhook message was lost and a webhook cannot list messages: it is sent again, which may show it twice; use the bot mode for exactly-once publishing',
        { idempotencyKey },
      );
      return undefined;
    }
    const found = await this.findSent(idempotencyKey, pending);
    if (!found) {
      return undefined;
    }
    return this.recorded(idempotencyKey, this.sentOf(found));
  }

  async delete(remoteId: string): Promise<void> {
    const id = encodeURIComponent(remoteId);
    if (this.mode.kind === 'bot') {
      await this.api.call({
        method: 'DELETE',
        path: `/channels/${this.mode.channelId}/messages/${id}`,
        route: ROUTES.remove,
        alsoFine: [404],
        what: 'deleting a message',
      });
    } else {
      await this.api.call({
        method: 'DELETE',
        path: `/messages/${id}`,
        route: ROUTES.webhookRemove,
        alsoFine: [404],
        what: 'deleting a message',
      });
    }
  }

  /**
   * Messages in the channel that mention the bot or answer one of its messages, since the last poll (`after=` the
   * newest id seen, kept in state). Reading their text needs the Message Content intent (Developer Portal → Bot →
   * Privileged Gateway Intents) unless the bot is mentioned. A webhook cannot read: no inbox.
   */
  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    if (this.mode.kind !== 'bot') {
      return [];
    }
    const me = await this.botUser();
    const cursor = await this.context.state.get<string>('inbox-after');
    const start =
      cursor ?? snowflakeAt(since ?? new Date(this.context.clock.now().getTime() - FIRST_POLL_MS));
    const { messages, newest } = await this.messagesAfter(start, 'reading the inbox');
    const items: InboxItemInput[] = [];
    for (const message of messages) {
      const receivedAt = this.timeOf(message);
      if (since && receivedAt <= since) {
        continue;
      }
      const answered = message.message_reference?.message_id;
      const byOwner = message.author?.id === me;
      const answersUs =
        answered !== undefined &&
        (message.referenced_message?.author?.id === me ||
          (await this.ledger.ownerOf(answered)) !== undefined);
      const mentionsUs = (message.mentions ?? []).some((user) => user.id === me);
      if (byOwner ? answered === undefined : !answersUs && !mentionsUs) {
        continue;
      }
      items.push({
        remoteId: message.id,
        kind: answered !== undefined ? 'reply' : 'mention',
        author: message.author?.username ?? message.author?.id ?? 'unknown',
        text: message.content ?? '',
        url: await this.urlOf(message.id, message.channel_id),
        receivedAt,
        inReplyToRemoteId: answered,
        byOwner,
      });
    }
    if (newest && (!cursor || compareSnowflakes(newest, cursor) > 0)) {
      await this.context.state.set('inbox-after', newest);
    }
    return items;
  }

  /**
   * Discord has no statistics for channels: the server's member count (`approximate_member_count`) as followers,
   * and reactions on the bot's recent messages as engagements. A webhook cannot read either.
   */
  async fetchMetrics(_day: string): Promise<ChannelMetrics> {
    if (this.mode.kind !== 'bot') {
      return {};
    }
    const { guildId } = await this.location();
    let followers: number | undefined;
    if (guildId) {
      const guild = parsed(
        guildSchema,
        await this.api.json({
          path: `/guilds/${guildId}`,
          route: ROUTES.guild,
          query: { with_counts: 'true' },
          what: 'reading the server member count',
        }),
        'reading the server',
      );
      followers = guild.approximate_member_count;
    }
    const recent = await this.page({ limit: String(PAGE) }, 'reading reactions on recent messages');
    const posts: NonNullable<ChannelMetrics['posts']> = [];
    let total = 0;
    for (const message of recent) {
      if ((await this.ledger.ownerOf(message.id)) === undefined) {
        continue;
      }
      const reactions = (message.reactions ?? []).reduce((sum, reaction) => sum + reaction.count, 0);
      total += reactions;
      posts.push({ remoteId: message.id, engagements: { reactions } });
    }
    return { followers, engagements: { reactions: total }, posts };
  }

  /** Publishes (or answers) once per key: the marker first, then one request. */
  private async send(
    key: string,
    post: {
      text: string;
      title?: string;
      extra: Record<string, unknown>;
      media: MediaAttachment[];
      replyTo?: string;
    },
  ): Promise<PublishResult> {
    const earlier = await this.ledger.sent(key);
    if (earlier) {
      return this.resultOf(earlier);
    }
    const bot = this.mode.kind === 'bot';
    const files = filesOf({ media: post.media, extra: post.extra });
    const payload = messageOf({
      text: post.text,
      title: post.title,
      extra: post.extra,
      files,
      allowMentions: this.options.allowMentions,
      nonce: bot ? nonceOf(key) : undefined,
      replyTo: post.replyTo,
      webhook: bot ? undefined : { username: this.options.username, avatarUrl: this.options.avatarUrl },
    });
    const uploads = await this.uploadsOf(post.media, files);
    // Where the channel is (for the message's link), asked before sending so its failure cannot lose a message.
    await this.location();
    await this.ledger.begin(key, {
      kind: post.replyTo ? 'reply' : 'post',
      nonce: payload.nonce,
      content: payload.content ?? '',
      filenames: files.map((file) => file.filename),
      embedTitles: (payload.embeds ?? []).map((embed) => embed.title ?? ''),
      replyTo: post.replyTo,
      since: this.context.clock.now().toISOString(),
    });
    const answer = await this.create(
      payload,
      uploads,
      post.replyTo ? 'answering a message' : 'publishing a message',
    );
    return this.recorded(key, this.sentOf(answer));
  }

  /** The one request that creates the message; an answer that does not parse is an unknown outcome. */
  private async create(
    payload: MessagePayload,
    uploads: UploadFile[],
    what: string,
  ): Promise<DiscordMessage> {
    const body =
      this.mode.kind === 'bot'
        ? await this.api.json({
            method: 'POST',
            path: `/channels/${this.mode.channelId}/messages`,
            route: ROUTES.create,
            json: payload,
            files: uploads,
            creates: true,
            what,
          })
        : await this.api.json({
            method: 'POST',
            path: '',
            route: ROUTES.execute,
            query: { wait: 'true' },
            json: payload,
            files: uploads,
            creates: true,
            what,
          });
    try {
      return parsed(messageSchema, body, what);
    } catch (error) {
      throw outcomeUnknown(`${(error as Error).message}; the message may have been created`, {
        cause: error,
      });
    }
  }

  private async uploadsOf(
    media: MediaAttachment[],
    files: Array<{ filename: string }>,
  ): Promise<UploadFile[]> {
    const limit = this.options.maxFileMb * MIB;
    const uploads: UploadFile[] = [];
    let total = 0;
    for (const [index, item] of media.entries()) {
      const bytes = await readMediaFile(item, limit);
      total += bytes.length;
      if (total > limit) {
        throw new PermanentError(
          `plugin discord: the files of this post are ${(total / MIB).toFixed(1)} MiB together; Discord takes ${this.options.maxFileMb} MiB per message on this server (option maxFileMb: raise it only if the server's boost level allows more)`,
        );
      }
      uploads.push({ filename: files[index].filename, contentType: item.mimeType, bytes });
    }
    return uploads;
  }

  /** Finds the bot's message the pending send created, in the channel since the send started. */
  private async findSent(key: string, pending: PendingSend): Promise<DiscordMessage | undefined> {
    const me = await this.botUser();
    const since = Date.parse(pending.since) - CLOCK_SLACK_MS;
    const { messages } = await this.messagesAfter(snowflakeAt(new Date(since)), 'looking for a message');
    for (const message of messages) {
      const mine = message.author?.id === me;
      const sameNonce =
        pending.nonce !== undefined && message.nonce !== undefined && String(message.nonce) === pending.nonce;
      const sameMessage =
        mine &&
        (message.content ?? '') === pending.content &&
        sameList(
          (message.attachments ?? []).map((file) => file.filename ?? ''),
          pending.filenames,
        ) &&
        sameList(
          (message.embeds ?? []).map((embed) => embed.title ?? ''),
          pending.embedTitles,
        ) &&
        message.message_reference?.message_id === pending.replyTo &&
        this.timeOf(message).getTime() >= since;
      if (!(mine && sameNonce) && !sameMessage) {
        continue;
      }
      const owner = await this.ledger.ownerOf(message.id);
      if (owner === undefined || owner === key) {
        return message;
      }
    }
    return undefined;
  }

  /** The channel's messages after a snowflake, oldest first, at most MAX_PAGES pages; and the newest id seen. */
  private async messagesAfter(
    after: string,
    what: string,
  ): Promise<{ messages: DiscordMessage[]; newest?: string }> {
    const all: DiscordMessage[] = [];
    let cursor = after;
    for (let page = 0; page < MAX_PAGES; page++) {
      const batch = await this.page({ after: cursor, limit: String(PAGE) }, what);
      all.push(...batch);
      const newest = batch
        .map((message) => message.id)
        .sort(compareSnowflakes)
        .at(-1);
      if (batch.length < PAGE || !newest) {
        break;
      }
      cursor = newest;
    }
    all.sort((a, b) => compareSnowflakes(a.id, b.id));
    return { messages: all, newest: all.at(-1)?.id };
  }

  private async page(query: Record<string, string>, what: string): Promise<DiscordMessage[]> {
    if (this.mode.kind !== 'bot') {
      return [];
    }
    const list = parsed(
      messageListSchema,
      await this.api.json({
        path: `/channels/${this.mode.channelId}/messages`,
        route: ROUTES.list,
        query,
        what,
      }),
      what,
    );
    return list.map((message) => parsed(messageSchema, message, what));
  }

  /** The bot's own user id (`GET /users/@me`), asked once and kept. */
  private async botUser(): Promise<string> {
    if (!this.me) {
      const stored = await this.context.state.get<string>('bot-user');
      if (stored) {
        this.me = stored;
      } else {
        const user = parsed(
          userSchema,
          await this.api.json({ path: '/users/@me', route: ROUTES.me, what: 'reading the bot user' }),
          'reading the bot user',
        );
        await this.context.state.set('bot-user', user.id);
        this.me = user.id;
      }
    }
    return this.me;
  }

  /** The server (and, for a webhook, the channel) the messages go to, asked once and kept. */
  private async location(): Promise<{ guildId?: string; channelId?: string }> {
    if (this.where) {
      return this.where;
    }
    const stored = await this.context.state.get<{ guildId?: string; channelId?: string }>('location');
    if (stored) {
      this.where = stored;
      return stored;
    }
    let found: { guildId?: string; channelId?: string };
    if (this.mode.kind === 'bot') {
      const channel = this.options.guildId
        ? undefined
        : parsed(
            channelSchema,
            await this.api.json({
              path: `/channels/${this.mode.channelId}`,
              route: ROUTES.channel,
              what: 'reading the channel',
            }),
            'reading the channel',
          );
      found = {
        guildId: this.options.guildId ?? channel?.guild_id ?? undefined,
        channelId: this.mode.channelId,
      };
    } else {
      const webhook = parsed(
        webhookSchema,
        await this.api.json({ path: '', route: ROUTES.webhook, what: 'reading the webhook' }),
        'reading the webhook',
      );
      found = {
        guildId: this.options.guildId ?? webhook.guild_id ?? undefined,
        channelId: webhook.channel_id ?? undefined,
      };
    }
    await this.context.state.set('location', found);
    this.where = found;
    return found;
  }

  private sentOf(message: DiscordMessage): SentMessage {
    return {
      id: message.id,
      channelId:
        message.channel_id ?? (this.mode.kind === 'bot' ? this.mode.channelId : this.where?.channelId),
      guildId: this.where?.guildId,
    };
  }

  private async urlOf(id: string, channelId?: string): Promise<string | undefined> {
    const where = await this.location();
    const channel = channelId ?? where.channelId;
    return channel ? `https://discord.com/channels/${where.guildId ?? '@me'}/${channel}/${id}` : undefined;
  }

  private resultOf(sent: SentMessage): PublishResult {
    return {
      remoteId: sent.id,
      url: sent.channelId
        ? `https://discord.com/channels/${sent.guildId ?? '@me'}/${sent.channelId}/${sent.id}`
        : undefined,
      publishedAt: timeOfSnowflake(sent.id),
    };
  }

  private timeOf(message: DiscordMessage): Date {
    const stamp = message.timestamp ? Date.parse(message.timestamp) : Number.NaN;
    return Number.isNaN(stamp) ? timeOfSnowflake(message.id) : new Date(stamp);
  }

  /** Records the message under the key; one another key holds already is refused (it would count twice). */
  private async recorded(key: string, sent: SentMessage): Promise<PublishResult> {
    const holder = await this.ledger.record(key, sent);
    if (holder !== undefined) {
      throw refusedByPlatform(
        'DUPLICATE_MESSAGE',
        `Discord answered with message ${sent.id}, which Metronome recorded earlier for another post (${holder}); check the channel`,
      );
    }
    return this.resultOf(sent);
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
