/**
 * A contract FAKE of the Telegram Bot API, written from its documentation (Telegram publishes no machine-readable
 * description; the reference is HTML):
 * - https://core.telegram.org/bots/api#making-requests — POST /bot<token>/<method>, JSON or multipart/form-data,
 *   answers `{ ok, result }` / `{ ok: false, error_code, description, parameters? }` (ResponseParameters:
 *   retry_after, migrate_to_chat_id);
 * - https://core.telegram.org/bots/api#available-methods — sendMessage, sendPhoto, sendVideo, sendMediaGroup,
 *   deleteMessage, deleteMessages, getChat, getMe, getChatMember, getChatMemberCount; #getupdates — getUpdates
 *   (offset confirms, 409 while a webhook is set); #message — Message, MessageOriginChannel, is_automatic_forward;
 * - https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this — about one message a second
 *   per chat, 20 a minute per group or channel;
 * - https://core.telegram.org/api/discussion — a channel post is copied into the linked discussion group as an
 *   automatic forward, which members (and bots reading the group) receive.
 * Every request is checked against METHODS (known method, known parameters, documented types, required ones present):
 * a violation answers 400 "fake: …" and is counted in `violations`, so a connector bug fails its tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type ParamType =
  'Integer' | 'String' | 'Boolean' | 'Array' | 'Object' | 'IntegerOrString' | 'InputFileOrString';
interface ParamSpec {
  type: ParamType;
  required?: boolean;
}

const SEND_COMMON: Record<string, ParamSpec> = {
  chat_id: { type: 'IntegerOrString', required: true },
  message_thread_id: { type: 'Integer' },
  disable_notification: { type: 'Boolean' },
  protect_content: { type: 'Boolean' },
  reply_parameters: { type: 'Object' },
  reply_markup: { type: 'Object' },
};

/** The methods the connector may call and their parameters with the documented types (Bot API 7.x/8.x). */
export const METHODS: Record<string, Record<string, ParamSpec>> = {
  getMe: {},
  getChat: { chat_id: { type: 'IntegerOrString', required: true } },
  getChatMember: {
    chat_id: { type: 'IntegerOrString', required: true },
    user_id: { type: 'Integer', required: true },
  },
  getChatMemberCount: { chat_id: { type: 'IntegerOrString', required: true } },
  getUpdates: {
    offset: { type: 'Integer' },
    limit: { type: 'Integer' },
    timeout: { type: 'Integer' },
    allowed_updates: { type: 'Array' },
  },
  sendMessage: {
    ...SEND_COMMON,
    text: { type: 'String', required: true },
    parse_mode: { type: 'String' },
    entities: { type: 'Array' },
    link_preview_options: { type: 'Object' },
  },
  sendPhoto: {
    ...SEND_COMMON,
    photo: { type: 'InputFileOrString', required: true },
    caption: { type: 'String' },
    parse_mode: { type: 'String' },
    caption_entities: { type: 'Array' },
    show_caption_above_media: { type: 'Boolean' },
    has_spoiler: { type: 'Boolean' },
  },
  sendVideo: {
    ...SEND_COMMON,
    video: { type: 'InputFileOrString', required: true },
    duration: { type: 'Integer' },
    width: { type: 'Integer' },
    height: { type: 'Integer' },
    caption: { type: 'String' },
    parse_mode: { type: 'String' },
    caption_entities: { type: 'Array' },
    supports_streaming: { type: 'Boolean' },
    has_spoiler: { type: 'Boolean' },
  },
  sendMediaGroup: {
    chat_id: { type: 'IntegerOrString', required: true },
    message_thread_id: { type: 'Integer' },
    disable_notification: { type: 'Boolean' },
    protect_content: { type: 'Boolean' },
    reply_parameters: { type: 'Object' },
    media: { type: 'Array', required: true },
  },
  deleteMessage: {
    chat_id: { type: 'IntegerOrString', required: true },
    message_id: { type: 'Integer', required: true },
  },
  deleteMessages: {
    chat_id: { type: 'IntegerOrString', required: true },
    message_ids: { type: 'Array', required: true },
  },
};

const SENDS = new Set(['sendMessage', 'sendPhoto', 'sendVideo', 'sendMediaGroup']);
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

export interface FakeMessage {
  message_id: number;
  date: number;
  chat: { id: number; type: string; username?: string; title?: string };
  text?: string;
  caption?: string;
  photo?: Array<{ file_id: string; width: number; height: number; file_size: number }>;
  video?: { file_id: string; file_size: number };
  media_group_id?: string;
  sender_chat?: { id: number; type: string; username?: string; title?: string };
  from?: { id: number; is_bot: boolean; first_name: string; username?: string };
  is_automatic_forward?: boolean;
  forward_origin?: { type: 'channel'; chat: FakeMessage['chat']; message_id: number; date: number };
  reply_to_message?: FakeMessage;
  /** Fake-only: options the send carried (not part of Telegram's Message). */
  sent?: { silent: boolean; protect: boolean; linkPreview?: unknown; replyTo?: number };
}

export type FakeFault = { status: number; body: unknown } | 'lose-answer' | 'hang';

export interface TelegramFakeOptions {
  /** Whether the channel has a linked discussion group (default true). */
  discussionGroup?: boolean;
  /** The time the fake sees (dates of messages, pace checks). Default: the real clock. */
  clock?: () => Date;
}

export class TelegramBotApiFake {
  readonly token = '7000000001:AAFakeTokenForMetronomeTests_abcdefghij';
  readonly bot = { id: 7000000001, is_bot: true, first_name: 'Metronome', username: 'metronome_fake_bot' };
  readonly channel = {
    id: -1001234567890,
    type: 'channel',
    username: 'metronome_news',
    title: 'Metronome News',
  };
  readonly group = { id: -1009876543210, type: 'supergroup', title: 'Metronome News Chat' };
  subscribers = 4321;
  /** The bot's standing: an admin of the channel (may post) and of the discussion group (reads it all). */
  botIsChannelAdmin = true;
  botIsGroupAdmin = true;
  webhookSet = false;
  tokenRevoked = false;
  private server?: Server;
  private readonly channelMessages: FakeMessage[] = [];
  private readonly groupMessages: FakeMessage[] = [];
  private readonly updates: Array<{ update_id: number; message: FakeMessage }> = [];
  private readonly faults: FakeFault[] = [];
  private readonly sendTimes: number[] = [];
  private nextChannelId = 100;
  private nextGroupId = 5000;
  private nextUpdateId = 900_000;
  private readonly clock: () => Date;
  readonly counts = { sends: 0, violations: 0, paceViolations: 0, deletes: 0, getUpdates: 0, requests: 0 };
  readonly violations: string[] = [];
  readonly requests: Array<{ method: string; params: Record<string, unknown>; files: string[] }> = [];

  constructor(private readonly options: TelegramFakeOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
  }

  get hasDiscussionGroup(): boolean {
    return this.options.discussionGroup !== false;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // ---- test controls -------------------------------------------------------------------------------------------

  /** The next send creates its message(s) and the answer is lost (the connection dies). */
  loseNextAnswer(): void {
    this.faults.push('lose-answer');
  }

  /** The next send creates its message(s) and never answers (a timeout after sending). */
  hangNext(): void {
    this.faults.push('hang');
  }

  /** The next send is answered with this status and body, and creates nothing. */
  failNext(status: number, body: unknown): void {
    this.faults.push({ status, body });
  }

  pendingFaults(): number {
    return this.faults.length;
  }

  /** The channel's messages (albums: one per item). */
  posts(): FakeMessage[] {
    return [...this.channelMessages];
  }

  /** How many channel posts show this text (a message's text or an album's first caption). */
  postsWithText(text: string): number {
    return this.channelMessages.filter((message) => (message.text ?? message.caption) === text).length;
  }

  groupPosts(): FakeMessage[] {
    return [...this.groupMessages];
  }

  /** Someone comments in the discussion group, under the copy of a channel post (or alone when none is given). */
  addComment(text: string, onChannelPost?: number, author = 'reader42'): FakeMessage {
    const parent = this.groupMessages.find(
      (message) => message.is_automatic_forward && message.forward_origin?.message_id === onChannelPost,
    );
    const message: FakeMessage = {
      message_id: this.nextGroupId++,
      date: this.now(),
      chat: { ...this.group },
      from: { id: 4242, is_bot: false, first_name: 'Reader', username: author },
      text,
      ...(parent ? { reply_to_message: parent } : {}),
    };
    this.groupMessages.push(message);
    this.updates.push({ update_id: this.nextUpdateId++, message });
    return message;
  }

  // ---- the API ---------------------------------------------------------------------------------------------------

  private now(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  private answer(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    this.counts.requests += 1;
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://fake').pathname);
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const error = (code: number, description: string, parameters?: unknown) =>
      reply(code, { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });
    if (req.method !== 'POST' && req.method !== 'GET') {
      return error(405, 'Method Not Allowed');
    }
    if (!match || !(match[2] in METHODS)) {
      return error(404, 'Not Found');
    }
    const [, token, method] = match;
    if (token !== this.token || this.tokenRevoked) {
      return error(401, 'Unauthorized');
    }
    let params: Record<string, unknown>;
    let files: Map<string, Buffer>;
    try {
      ({ params, files } = parseBody(req.headers['content-type'] ?? '', body));
    } catch (problem) {
      return this.violation(reply, `${method}: unreadable body (${(problem as Error).message})`);
    }
    this.requests.push({ method, params, files: [...files.keys()] });
    const problem = checkParams(method, params, files);
    if (problem) {
      return this.violation(reply, problem);
    }
    if (SENDS.has(method)) {
      const fault = this.faults.shift();
      if (fault && fault !== 'lose-answer' && fault !== 'hang') {
        return reply(fault.status, fault.body);
      }
      const result = this.send(method, params, files, error);
      if (result === undefined) {
        return;
      }
      if (fault === 'lose-answer') {
        req.socket.destroy();
        return;
      }
      if (fault === 'hang') {
        return; // never answered; stop() closes the connection
      }
      return reply(200, { ok: true, result });
    }
    return this.read(method, params, reply, error);
  }

  private violation(reply: (status: number, payload: unknown) => void, problem: string): void {
    this.counts.violations += 1;
    this.violations.push(problem);
    reply(400, { ok: false, error_code: 400, description: `Bad Request: fake: ${problem}` });
  }

  /** Posts the message(s); answers the result, or undefined after answering an error itself. */
  private send(
    method: string,
    params: Record<string, unknown>,
    files: Map<string, Buffer>,
    error: (code: number, description: string, parameters?: unknown) => void,
  ): unknown {
    const target = String(params.chat_id);
    const toChannel = target === `@${this.channel.username}` || target === String(this.channel.id);
    const toGroup = target === String(this.group.id);
    if (!toChannel && !toGroup) {
      error(400, 'Bad Request: chat not found');
      return undefined;
    }
    if (toChannel && !this.botIsChannelAdmin) {
      error(403, 'Forbidden: bot is not a member of the channel chat');
      return undefined;
    }
    const text = method === 'sendMessage' ? String(params.text) : undefined;
    if (text !== undefined && text.trim() === '') {
      error(400, 'Bad Request: message text is empty');
      return undefined;
    }
    if (text !== undefined && text.length > TEXT_LIMIT) {
      error(400, 'Bad Request: message is too long');
      return undefined;
    }
    const items =
      method === 'sendMediaGroup'
        ? (params.media as Array<Record<string, unknown>>)
        : method === 'sendMessage'
          ? [{}]
          : [
              {
                type: method === 'sendPhoto' ? 'photo' : 'video',
                media: params[method === 'sendPhoto' ? 'photo' : 'video'],
                caption: params.caption,
              },
            ];
    if (method === 'sendMediaGroup' && (items.length < 2 || items.length > 10)) {
      error(400, 'Bad Request: wrong number of media in the album');
      return undefined;
    }
    for (const item of items) {
      if (method === 'sendMessage') {
        break;
      }
      if (typeof item.caption === 'string' && item.caption.length > CAPTION_LIMIT) {
        error(400, 'Bad Request: message caption is too long');
        return undefined;
      }
      const attach = /^attach:\/\/(.+)$/.exec(String(item.media));
      if (!attach || !files.has(attach[1])) {
        error(400, `Bad Request: wrong file identifier/HTTP URL specified (${String(item.media)})`);
        return undefined;
      }
      if (item.type !== 'photo' && item.type !== 'video') {
        error(400, 'Bad Request: unsupported media type in the album');
        return undefined;
      }
    }
    this.pace(target);
    this.counts.sends += 1;
    const chat = toChannel ? { ...this.channel } : { ...this.group };
    const group = items.length > 1 ? `mg-${this.nextChannelId}` : undefined;
    const made = items.map((item, index): FakeMessage => {
      const file = /^attach:\/\/(.+)$/.exec(typeof item.media === 'string' ? item.media : '')?.[1];
      const size = file ? (files.get(file)?.length ?? 0) : 0;
      const message: FakeMessage = {
        message_id: toChannel ? this.nextChannelId++ : this.nextGroupId++,
        date: this.now(),
        chat,
        ...(toChannel ? { sender_chat: { ...this.channel } } : { from: { ...this.bot } }),
        ...(text !== undefined ? { text } : {}),
        ...(typeof item.caption === 'string' && item.caption !== '' ? { caption: item.caption } : {}),
        ...(item.type === 'photo'
          ? { photo: [{ file_id: `ph-${file}`, width: 1, height: 1, file_size: size }] }
          : {}),
        ...(item.type === 'video' ? { video: { file_id: `vi-${file}`, file_size: size } } : {}),
        ...(group ? { media_group_id: group } : {}),
        sent: {
          silent: params.disable_notification === true,
          protect: params.protect_content === true,
          ...(params.link_preview_options ? { linkPreview: params.link_preview_options } : {}),
          ...(params.reply_parameters
            ? { replyTo: (params.reply_parameters as { message_id: number }).message_id }
            : {}),
        },
      };
      void index;
      return message;
    });
    if (toChannel) {
      this.channelMessages.push(...made);
      if (this.hasDiscussionGroup) {
        for (const message of made) {
          this.copyToGroup(message);
        }
      }
    } else {
      // A bot receives none of its own messages as updates.
      this.groupMessages.push(...made);
    }
    const visible = made.map(({ sent: _sent, ...message }) => message);
    return method === 'sendMediaGroup' ? visible : visible[0];
  }

  /** Telegram's automatic forward of a channel post into the linked group: an update for bots reading the group. */
  private copyToGroup(post: FakeMessage): void {
    const copy: FakeMessage = {
      message_id: this.nextGroupId++,
      date: post.date,
      chat: { ...this.group },
      sender_chat: { ...this.channel },
      from: { id: 777000, is_bot: false, first_name: 'Telegram' },
      is_automatic_forward: true,
      forward_origin: {
        type: 'channel',
        chat: { ...this.channel },
        message_id: post.message_id,
        date: post.date,
      },
      ...(post.text !== undefined ? { text: post.text } : {}),
      ...(post.caption !== undefined ? { caption: post.caption } : {}),
    };
    this.groupMessages.push(copy);
    if (this.botIsGroupAdmin) {
      this.updates.push({ update_id: this.nextUpdateId++, message: copy });
    }
  }

  /** Counts sends closer than a second apart, or over 20 in a minute, in one chat (the Bot FAQ's limits). */
  private pace(chat: string): void {
    const now = this.clock().getTime();
    const key = `${chat}`;
    void key;
    const recent = this.sendTimes.filter((at) => at > now - 60_000);
    if ((recent.length > 0 && now - (recent.at(-1) as number) < 1_000) || recent.length >= 20) {
      this.counts.paceViolations += 1;
    }
    this.sendTimes.push(now);
  }

  private read(
    method: string,
    params: Record<string, unknown>,
    reply: (status: number, payload: unknown) => void,
    error: (code: number, description: string, parameters?: unknown) => void,
  ): void {
    const ok = (result: unknown) => reply(200, { ok: true, result });
    const isChannel = (id: unknown) =>
      String(id) === `@${this.channel.username}` || String(id) === String(this.channel.id);
    switch (method) {
      case 'getMe':
        return ok({ ...this.bot, can_join_groups: true, can_read_all_group_messages: false });
      case 'getChat':
        if (isChannel(params.chat_id)) {
          return ok({
            ...this.channel,
            ...(this.hasDiscussionGroup ? { linked_chat_id: this.group.id } : {}),
            accent_color_id: 0,
            max_reaction_count: 11,
          });
        }
        if (String(params.chat_id) === String(this.group.id)) {
          return ok({
            ...this.group,
            linked_chat_id: this.channel.id,
            accent_color_id: 0,
            max_reaction_count: 11,
          });
        }
        return error(400, 'Bad Request: chat not found');
      case 'getChatMember': {
        const admin =
          String(params.chat_id) === String(this.group.id) ? this.botIsGroupAdmin : this.botIsChannelAdmin;
        return ok({ status: admin ? 'administrator' : 'left', user: { ...this.bot } });
      }
      case 'getChatMemberCount':
        return isChannel(params.chat_id) ? ok(this.subscribers) : error(400, 'Bad Request: chat not found');
      case 'getUpdates': {
        this.counts.getUpdates += 1;
        if (this.webhookSet) {
          return error(
            409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
          );
        }
        const offset = typeof params.offset === 'number' ? params.offset : 0;
        // An offset confirms every update before it: Telegram forgets them.
        while (this.updates.length > 0 && this.updates[0].update_id < offset) {
          this.updates.shift();
        }
        const limit = typeof params.limit === 'number' ? Math.min(Math.max(params.limit, 1), 100) : 100;
        return ok(this.updates.slice(0, limit));
      }
      case 'deleteMessage':
      case 'deleteMessages': {
        const ids =
          method === 'deleteMessage' ? [Number(params.message_id)] : (params.message_ids as number[]);
        if (!isChannel(params.chat_id)) {
          return error(400, 'Bad Request: chat not found');
        }
        const before = this.channelMessages.length;
        for (const id of ids) {
          const index = this.channelMessages.findIndex((message) => message.message_id === id);
          if (index >= 0) {
            this.channelMessages.splice(index, 1);
          }
        }
        if (before === this.channelMessages.length && method === 'deleteMessage') {
          return error(400, 'Bad Request: message to delete not found');
        }
        this.counts.deletes += 1;
        return ok(true);
      }
    }
    return error(404, 'Not Found');
  }
}

/** JSON or multipart/form-data (RFC 7578) parameters; multipart values are strings, files are kept apart. */
function parseBody(
  contentType: string,
  body: Buffer,
): { params: Record<string, unknown>; files: Map<string, Buffer> } {
  const files = new Map<string, Buffer>();
  if (body.length === 0) {
    return { params: {}, files };
  }
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the JSON body is not an object');
    }
    return { params: parsed as Record<string, unknown>, files };
  }
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!contentType.startsWith('multipart/form-data') || !boundary) {
    throw new Error(`content type ${contentType} is neither application/json nor multipart/form-data`);
  }
  const params: Record<string, unknown> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) {
      break;
    }
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const content = part.subarray(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    if (name === undefined) {
      throw new Error('a part without a name');
    }
    if (/filename="/.test(head)) {
      files.set(name, Buffer.from(content));
    } else {
      params[name] = content.toString('utf8');
    }
    start = next;
  }
  return { params, files };
}

/** Checks the parameters against METHODS: known names, documented types (multipart strings read as Telegram does). */
function checkParams(
  method: string,
  params: Record<string, unknown>,
  files: Map<string, Buffer>,
): string | undefined {
  const spec = METHODS[method];
  for (const [name, raw] of Object.entries(params)) {
    const param = spec[name];
    if (!param) {
      return `${method}: unknown parameter "${name}"`;
    }
    let value = raw;
    if (
      typeof raw === 'string' &&
      param.type !== 'String' &&
      param.type !== 'IntegerOrString' &&
      param.type !== 'InputFileOrString'
    ) {
      try {
        value = JSON.parse(raw);
      } catch {
        return `${method}: parameter "${name}" is not ${param.type} (${raw.slice(0, 40)})`;
      }
      params[name] = value;
    }
    const fits =
      (param.type === 'Integer' && Number.isInteger(value)) ||
      (param.type === 'String' && typeof value === 'string') ||
      (param.type === 'Boolean' && typeof value === 'boolean') ||
      (param.type === 'Array' && Array.isArray(value)) ||
      (param.type === 'Object' && typeof value === 'object' && value !== null && !Array.isArray(value)) ||
      (param.type === 'IntegerOrString' &&
        (Number.isInteger(value) || (typeof value === 'string' && value !== ''))) ||
      (param.type === 'InputFileOrString' && typeof value === 'string');
    if (!fits) {
      return `${method}: parameter "${name}" must be ${param.type}, got ${JSON.stringify(value)?.slice(0, 40)}`;
    }
  }
  for (const [name, param] of Object.entries(spec)) {
    if (param.required && params[name] === undefined && !files.has(name)) {
      return `${method}: required parameter "${name}" is missing`;
    }
  }
  if (params.link_preview_options !== undefined) {
    const allowed = ['is_disabled', 'url', 'prefer_small_media', 'prefer_large_media', 'show_above_text'];
    const unknown = Object.keys(params.link_preview_options as object).filter(
      (key) => !allowed.includes(key),
    );
    if (unknown.length > 0) {
      return `${method}: link_preview_options has unknown fields ${unknown.join(', ')}`;
    }
  }
  if (method === 'sendMediaGroup') {
    for (const item of params.media as unknown[]) {
      const fields = Object.keys(item as object).filter(
        (key) =>
          ![
            'type',
            'media',
            'caption',
            'parse_mode',
            'caption_entities',
            'show_caption_above_media',
            'has_spoiler',
            'supports_streaming',
            'width',
            'height',
            'duration',
            'thumbnail',
            'cover',
            'start_timestamp',
          ].includes(key),
      );
      if (fields.length > 0) {
        return `sendMediaGroup: InputMedia has unknown fields ${fields.join(', ')}`;
      }
    }
  }
  return undefined;
}
