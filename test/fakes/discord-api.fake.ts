import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OpenApiRequestValidator } from './openapi/openapi-request-validator';

/**
 * A contract FAKE of Discord's HTTP API v10 for the discord connector (not Discord: a small server that answers as
 * Discord's documentation says), written from:
 * - Create Message: https://discord.com/developers/docs/resources/message#create-message (content ≤ 2,000
 *   characters, up to 10 embeds, `nonce` ≤ 25 characters with `enforce_nonce`: "if another message was created by
 *   the same author with the same nonce, that message will be returned and no new message will be created" within
 *   a few minutes; `allowed_mentions`, `message_reference`, `attachments` with `description`)
 * - Get Channel Messages (`around`/`before`/`after`, `limit` 1–100), Delete Message (204; 404 code 10008):
 *   same page; the message object's `nonce` is returned by the create only, not by later reads
 * - Embed limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits (title 256,
 *   description 4,096, 25 fields, field name 256, value 1,024, footer 2,048, author 256, 6,000 in all)
 * - Uploading files: https://discord.com/developers/docs/reference#uploading-files (multipart/form-data,
 *   `payload_json`, `files[n]` matching `attachments[n].id`; 413 / code 40005 when too large; the default limit
 *   10 MiB per request for a server without boosts)
 * - Execute Webhook: https://discord.com/developers/docs/resources/webhook#execute-webhook (`?wait=true` answers
 *   the message, else 204), Get/Delete Webhook Message, Get Webhook with Token
 * - Get Guild `?with_counts=true` (`approximate_member_count`), Get Channel (`guild_id`), Get Current User
 * - Rate limits: https://discord.com/developers/docs/topics/rate-limits (`X-RateLimit-Limit`, `-Remaining`,
 *   `-Reset` epoch seconds with decimals, `-Reset-After`, `-Bucket`; 429 with `{ message, retry_after, global }`,
 *   `Retry-After`, `X-RateLimit-Scope`), per route and top-level resource
 * - Errors: https://discord.com/developers/docs/topics/opcodes-and-status-codes (`{ code, message, errors }`; 401
 *   code 0; 50001 Missing Access; 50013 Missing Permissions; 50035 Invalid Form Body; 10003, 10008, 10015)
 * - The OpenAPI description discord/discord-api-spec (specs/openapi.json), trimmed in
 *   test/fakes/specs/discord.openapi.json: EVERY request is validated against it (multipart: `payload_json`'s JSON
 *   as the body); problems are kept in `problems` and answered 400/50035.
 */

const DISCORD_EPOCH = 1_420_070_400_000;
const NONCE_WINDOW_MS = 5 * 60_000;
const SPEC = join(__dirname, 'specs', 'discord.openapi.json');

let validator: OpenApiRequestValidator | undefined;

/**
 * One validator for every fake in a test process, its create operations compiled at once: loading the description
 * and compiling Create Message's schema takes about two seconds, longer than a connector's request timeout in tests.
 */
function sharedValidator(): OpenApiRequestValidator {
  if (!validator) {
    validator = OpenApiRequestValidator.fromFile(SPEC);
    validator.check({ method: 'POST', path: '/channels/1/messages', body: {} });
    validator.check({
      method: 'POST',
      path: '/channels/1/messages',
      body: {},
      contentType: 'multipart/form-data',
    });
    validator.check({ method: 'POST', path: '/webhooks/1/t', body: {} });
    validator.check({ method: 'POST', path: '/webhooks/1/t', body: {}, contentType: 'multipart/form-data' });
  }
  return validator;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  author: { id: string; username: string; bot?: boolean };
  content: string;
  timestamp: string;
  embeds: Array<Record<string, unknown>>;
  attachments: Array<{
    id: string;
    filename: string;
    description?: string;
    size: number;
    content_type?: string;
  }>;
  mentions: Array<{ id: string; username: string }>;
  message_reference?: { message_id: string; channel_id: string };
  referenced_author?: string;
  webhook_id?: string;
  nonce?: string;
  allowed_mentions?: unknown;
  flags?: number;
  reactions: Array<{ count: number; emoji: { name: string } }>;
  deleted: boolean;
}

export interface FakeFault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Fault = FakeFault | 'lose-answer' | 'hang' | { rateLimitSeconds: number };

interface Bucket {
  used: number;
  resetAt: number;
}

export interface DiscordFakeOptions {
  /** The fake's clock (default: the real one): snowflakes, timestamps, nonce windows and rate-limit windows. */
  now?: () => Date;
  /** Requests per window on POST messages per channel (and per webhook). */
  createLimit?: number;
  windowMs?: number;
  /** Largest multipart request, in bytes (10 MiB: a server without boosts). */
  maxUploadBytes?: number;
}

export class DiscordApiFake {
  private server?: Server;
  private readonly now: () => Date;
  private readonly validator = sharedValidator();
  private readonly faults: Fault[] = [];
  private readonly buckets = new Map<string, Bucket>();
  private sequence = 0;
  private validTokens = new Set<string>();
  private permissionRefusal?: { code: number; message: string };
  readonly stored: FakeMessage[] = [];

  readonly guild = { id: '81384788765712384', name: 'Acme Roasters', members: 4321 };
  readonly channelId = '1100000000000000001';
  readonly bot = { id: '1200000000000000002', username: 'metronome-bot', bot: true };
  readonly webhook = { id: '1300000000000000003', token: 'fake-webhook-token_abc', name: 'Announcements' };
  botToken = 'fake-bot-token.abc.def';
  readonly createLimit: number;
  readonly windowMs: number;
  readonly maxUploadBytes: number;

  /** Requests that the OpenAPI description does not allow, or that break Discord's documented rules. */
  readonly problems: string[] = [];
  /** Every request, with the fake's time when it came. */
  readonly requests: Array<{ method: string; path: string; query: Record<string, string>; at: Date }> = [];
  /** Every 429 (a bucket used up, or `rateLimitNext`): its index in `requests`, when, and the reset it announced. */
  readonly rateLimits: Array<{ request: number; at: Date; resetAt: Date }> = [];
  readonly counts = { creates: 0, nonceHits: 0, rateLimited: 0, unauthorized: 0 };
  /** The JSON (or payload_json) of every create, in order. */
  readonly payloads: Array<Record<string, unknown>> = [];
  /** The files of every multipart create: name, type, size. */
  readonly uploads: Array<Array<{ field: string; filename: string; contentType: string; size: number }>> = [];

  constructor(options: DiscordFakeOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.createLimit = options.createLimit ?? 5;
    this.windowMs = options.windowMs ?? 5_000;
    this.maxUploadBytes = options.maxUploadBytes ?? 10 * 1024 * 1024;
    this.validTokens.add(this.botToken);
  }

  baseUrl = '';

  get apiUrl(): string {
    return `${this.baseUrl}/api/v10`;
  }

  get webhookUrl(): string {
    return `${this.baseUrl}/api/webhooks/${this.webhook.id}/${this.webhook.token}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          this.handle(req, res, Buffer.concat(chunks));
        } catch (error) {
          this.send(res, 500, { message: `fake: ${(error as Error).message}`, code: 0 });
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // ---- test controls -------------------------------------------------------------------------------------------

  /** The next create is carried out, then the connection drops before the answer (a crash or timeout after sending). */
  loseNextAnswer(): void {
    this.faults.push('lose-answer');
  }

  /** The next create is read and never answered; nothing is created. */
  hangNext(): void {
    this.faults.push('hang');
  }

  /** The next create is answered with this status and body; nothing is created. */
  failNext(fault: FakeFault): void {
    this.faults.push(fault);
  }

  /**
   * The next create is refused with a 429 as Discord sends it: `retry_after` in the body, `Retry-After`,
   * `X-RateLimit-Reset`/`-Reset-After` counted from the fake's clock; nothing is created.
   */
  rateLimitNext(seconds: number): void {
    this.faults.push({ rateLimitSeconds: seconds });
  }

  pendingFaults(): number {
    return this.faults.length;
  }

  /** The bot token is reset in the Developer Portal: the old one answers 401. */
  revokeToken(): string {
    this.validTokens.delete(this.botToken);
    this.botToken = `fake-bot-token.${Math.random().toString(36).slice(2)}`;
    this.validTokens.add(this.botToken);
    return this.botToken;
  }

  /** The bot loses a permission in the channel (50013 Missing Permissions, or 50001 Missing Access). */
  refusePermission(code = 50013): void {
    this.permissionRefusal = { code, message: code === 50001 ? 'Missing Access' : 'Missing Permissions' };
  }

  restorePermission(): void {
    this.permissionRefusal = undefined;
  }

  /** Someone in the channel writes a message mentioning the bot. */
  mention(text: string, username = 'reader42'): FakeMessage {
    return this.store({
      author: this.person(username),
      content: `<@${this.bot.id}> ${text}`,
      mentions: [{ id: this.bot.id, username: this.bot.username }],
    });
  }

  /** Someone answers a message (a Discord reply). */
  replyTo(messageId: string, text: string, username = 'reader42'): FakeMessage {
    const target = this.stored.find((message) => message.id === messageId);
    return this.store({
      author: this.person(username),
      content: text,
      message_reference: { message_id: messageId, channel_id: this.channelId },
      referenced_author: target?.author.id,
    });
  }

  /** Someone writes in the channel without mentioning the bot. */
  chatter(text: string, username = 'reader42'): FakeMessage {
    return this.store({ author: this.person(username), content: text });
  }

  react(messageId: string, count: number, emoji = '👍'): void {
    const message = this.stored.find((m) => m.id === messageId);
    if (!message) {
      throw new Error(`fake: no message ${messageId}`);
    }
    message.reactions.push({ count, emoji: { name: emoji } });
  }

  /** Messages the bot or the webhook wrote, not deleted. */
  posts(): FakeMessage[] {
    return this.stored.filter(
      (message) =>
        !message.deleted && (message.author.id === this.bot.id || message.webhook_id !== undefined),
    );
  }

  postsWithContent(content: string): number {
    return this.posts().filter((message) => message.content === content).length;
  }

  // ---- the API -------------------------------------------------------------------------------------------------

  private person(username: string): FakeMessage['author'] {
    const id = `14${String(Array.from(username).reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) % 1e15).padStart(15, '0')}`;
    return { id, username };
  }

  private snowflake(): string {
    const ms = BigInt(Math.max(0, this.now().getTime() - DISCORD_EPOCH));
    this.sequence = (this.sequence + 1) % 4096;
    return ((ms << 22n) | BigInt(this.sequence)).toString();
  }

  private store(partial: Partial<FakeMessage> & Pick<FakeMessage, 'author' | 'content'>): FakeMessage {
    const message: FakeMessage = {
      id: this.snowflake(),
      channel_id: this.channelId,
      timestamp: this.now().toISOString(),
      embeds: [],
      attachments: [],
      mentions: [],
      reactions: [],
      deleted: false,
      ...partial,
    };
    this.stored.push(message);
    return message;
  }

  /** The message as Discord's API shows it (`withNonce`: only the create's own answer carries the nonce). */
  private view(message: FakeMessage, withNonce = false): Record<string, unknown> {
    const referenced = message.message_reference
      ? this.stored.find((m) => m.id === message.message_reference?.message_id)
      : undefined;
    return {
      id: message.id,
      type: message.message_reference ? 19 : 0,
      channel_id: message.channel_id,
      author: message.author,
      content: message.content,
      timestamp: message.timestamp,
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: message.mentions,
      mention_roles: [],
      attachments: message.attachments,
      embeds: message.embeds,
      pinned: false,
      flags: message.flags ?? 0,
      ...(message.reactions.length > 0
        ? {
            reactions: message.reactions.map((r) => ({
              count: r.count,
              me: false,
              emoji: { id: null, ...r.emoji },
            })),
          }
        : {}),
      ...(message.webhook_id ? { webhook_id: message.webhook_id } : {}),
      ...(message.message_reference
        ? {
            message_reference: { type: 0, ...message.message_reference },
            referenced_message: referenced ? { id: referenced.id, author: referenced.author } : null,
          }
        : {}),
      ...(withNonce && message.nonce !== undefined ? { nonce: message.nonce } : {}),
    };
  }

  private send(
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.writableEnded || res.destroyed) {
      return;
    }
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private invalid(res: ServerResponse, errors: Record<string, unknown>): void {
    this.send(res, 400, { code: 50035, message: 'Invalid Form Body', errors });
  }

  /** The bucket headers of a route and resource, counting this request; a 429 when it is used up. */
  private limit(key: string, bucket: string): { headers: Record<string, string>; limited: boolean } {
    const now = this.now().getTime();
    let state = this.buckets.get(key);
    if (!state || state.resetAt <= now) {
      state = { used: 0, resetAt: now + this.windowMs };
      this.buckets.set(key, state);
    }
    const limited = state.used >= this.createLimit;
    if (!limited) {
      state.used += 1;
    }
    const after = (state.resetAt - now) / 1000;
    const headers = {
      'x-ratelimit-limit': String(this.createLimit),
      'x-ratelimit-remaining': String(Math.max(0, this.createLimit - state.used)),
      'x-ratelimit-reset': (state.resetAt / 1000).toFixed(3),
      'x-ratelimit-reset-after': after.toFixed(3),
      'x-ratelimit-bucket': bucket,
    };
    return { headers, limited };
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/api(\/v10)?(?=\/)/, '');
    const query = Object.fromEntries(url.searchParams.entries());
    this.requests.push({ method, path, query, at: this.now() });
    const contentType = req.headers['content-type'] ?? '';

    // The body: JSON, or multipart with payload_json and files[n].
    let body: Record<string, unknown> | undefined;
    let files: Array<{ field: string; filename: string; contentType: string; bytes: Buffer }> = [];
    if (raw.length > 0) {
      if (contentType.startsWith('multipart/form-data')) {
        const parts = parseMultipart(raw, contentType);
        const payload = parts.find((part) => part.name === 'payload_json');
        body = payload ? (JSON.parse(payload.bytes.toString('utf8')) as Record<string, unknown>) : {};
        files = parts
          .filter((part) => part.name !== 'payload_json')
          .map((part) => ({
            field: part.name,
            filename: part.filename ?? '',
            contentType: part.contentType ?? '',
            bytes: part.bytes,
          }));
      } else {
        try {
          body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        } catch {
          this.send(res, 400, { code: 50109, message: 'The request body contains invalid JSON.' });
          return;
        }
      }
    }
    const problems = this.validator.check({
      method,
      path,
      query,
      body,
      contentType: contentType.startsWith('multipart/form-data')
        ? 'multipart/form-data'
        : contentType || undefined,
    });
    if (problems.length > 0) {
      this.problems.push(...problems);
      this.invalid(res, { _errors: problems.map((message) => ({ code: 'OPENAPI', message })) });
      return;
    }

    const webhookMatch = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/(\d+))?$/.exec(path);
    if (webhookMatch) {
      this.handleWebhook(req, res, method, webhookMatch, query, body, files);
      return;
    }
    const token = /^Bot (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.validTokens.has(token)) {
      this.counts.unauthorized += 1;
      this.send(res, 401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    if (method === 'GET' && path === '/users/@me') {
      this.send(res, 200, { ...this.bot, discriminator: '0', global_name: null, avatar: null });
      return;
    }
    if (method === 'GET' && path === `/guilds/${this.guild.id}`) {
      this.send(res, 200, {
        id: this.guild.id,
        name: this.guild.name,
        ...(query.with_counts === 'true' ? { approximate_member_count: this.guild.members } : {}),
      });
      return;
    }
    if (method === 'GET' && path === `/channels/${this.channelId}`) {
      this.send(res, 200, { id: this.channelId, type: 0, guild_id: this.guild.id, name: 'announcements' });
      return;
    }
    const channelMatch = /^\/channels\/(\d+)\/messages(\/(\d+))?$/.exec(path);
    if (!channelMatch || channelMatch[1] !== this.channelId) {
      this.send(res, 404, { message: 'Unknown Channel', code: 10003 });
      return;
    }
    if (this.permissionRefusal && method !== 'GET') {
      this.send(res, 403, this.permissionRefusal);
      return;
    }
    const messageId = channelMatch[3];
    if (method === 'GET' && !messageId) {
      this.send(res, 200, this.list(query));
      return;
    }
    if (method === 'GET' && messageId) {
      const message = this.stored.find((m) => m.id === messageId && !m.deleted);
      this.send(
        res,
        message ? 200 : 404,
        message ? this.view(message) : { message: 'Unknown Message', code: 10008 },
      );
      return;
    }
    if (method === 'DELETE' && messageId) {
      this.remove(res, messageId, (m) => m.author.id === this.bot.id);
      return;
    }
    if (method === 'POST' && !messageId) {
      const { headers, limited } = this.limit(`create:${this.channelId}`, 'fake-create-bucket');
      if (limited) {
        this.rateLimited(res, headers);
        return;
      }
      this.create(req, res, body ?? {}, files, { author: this.bot, enforceNonce: true }, headers);
      return;
    }
    this.send(res, 405, { message: '405: Method Not Allowed', code: 0 });
  }

  private handleWebhook(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    match: RegExpExecArray,
    query: Record<string, string>,
    body: Record<string, unknown> | undefined,
    files: Array<{ field: string; filename: string; contentType: string; bytes: Buffer }>,
  ): void {
    const [, id, token, , messageId] = match;
    if (id !== this.webhook.id) {
      this.send(res, 404, { message: 'Unknown Webhook', code: 10015 });
      return;
    }
    if (token !== this.webhook.token) {
      this.counts.unauthorized += 1;
      this.send(res, 401, { message: 'Invalid Webhook Token', code: 50027 });
      return;
    }
    const ours = (m: FakeMessage) => m.webhook_id === this.webhook.id;
    if (method === 'GET' && !messageId) {
      this.send(res, 200, {
        id: this.webhook.id,
        type: 1,
        name: this.webhook.name,
        channel_id: this.channelId,
        guild_id: this.guild.id,
        token: this.webhook.token,
      });
      return;
    }
    if (method === 'GET' && messageId) {
      const message = this.stored.find((m) => m.id === messageId && !m.deleted && ours(m));
      this.send(
        res,
        message ? 200 : 404,
        message ? this.view(message) : { message: 'Unknown Message', code: 10008 },
      );
      return;
    }
    if (method === 'DELETE' && messageId) {
      this.remove(res, messageId, ours);
      return;
    }
    if (method === 'POST' && !messageId) {
      const { headers, limited } = this.limit(`webhook:${this.webhook.id}`, 'fake-webhook-bucket');
      if (limited) {
        this.rateLimited(res, headers);
        return;
      }
      const payload = body ?? {};
      const author = {
        id: this.webhook.id,
        username: typeof payload.username === 'string' ? payload.username : this.webhook.name,
        bot: true,
      };
      this.create(req, res, payload, files, { author, webhook: true, wait: query.wait === 'true' }, headers);
      return;
    }
    this.send(res, 405, { message: '405: Method Not Allowed', code: 0 });
  }

  private rateLimited(res: ServerResponse, headers: Record<string, string>): void {
    this.counts.rateLimited += 1;
    this.rateLimits.push({
      request: this.requests.length - 1,
      at: this.now(),
      resetAt: new Date(Number(headers['x-ratelimit-reset']) * 1000),
    });
    const retryAfter = Number(headers['x-ratelimit-reset-after']);
    this.send(
      res,
      429,
      { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
      { ...headers, 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-scope': 'user' },
    );
  }

  private remove(res: ServerResponse, id: string, allowed: (message: FakeMessage) => boolean): void {
    const message = this.stored.find((m) => m.id === id && !m.deleted);
    if (!message) {
      this.send(res, 404, { message: 'Unknown Message', code: 10008 });
      return;
    }
    if (!allowed(message)) {
      this.send(res, 403, { message: 'Missing Permissions', code: 50013 });
      return;
    }
    message.deleted = true;
    this.send(res, 204);
  }

  private list(query: Record<string, string>): Array<Record<string, unknown>> {
    const limit = Math.min(100, Math.max(1, Number(query.limit ?? 50)));
    let messages = this.stored.filter((m) => !m.deleted);
    if (query.after) {
      const after = BigInt(query.after);
      messages = messages.filter((m) => BigInt(m.id) > after);
      // After a message: the oldest `limit` of the newer ones, shown newest first.
      messages = messages.slice(0, limit);
    } else {
      if (query.before) {
        const before = BigInt(query.before);
        messages = messages.filter((m) => BigInt(m.id) < before);
      }
      messages = messages.slice(-limit);
    }
    return messages.reverse().map((m) => this.view(m));
  }

  private create(
    _req: IncomingMessage,
    res: ServerResponse,
    payload: Record<string, unknown>,
    files: Array<{ field: string; filename: string; contentType: string; bytes: Buffer }>,
    how: { author: FakeMessage['author']; enforceNonce?: boolean; webhook?: boolean; wait?: boolean },
    headers: Record<string, string>,
  ): void {
    const fault = this.faults.shift();
    if (fault === 'hang') {
      return;
    }
    if (fault && typeof fault === 'object' && 'rateLimitSeconds' in fault) {
      const now = this.now().getTime();
      const resetAt = now + fault.rateLimitSeconds * 1000;
      this.rateLimited(res, {
        'x-ratelimit-limit': String(this.createLimit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': (resetAt / 1000).toFixed(3),
        'x-ratelimit-reset-after': fault.rateLimitSeconds.toFixed(3),
        'x-ratelimit-bucket': 'fake-create-bucket',
      });
      return;
    }
    if (fault && fault !== 'lose-answer') {
      this.send(
        res,
        fault.status,
        fault.body ?? { message: `injected ${fault.status}`, code: 0 },
        fault.headers,
      );
      return;
    }
    const answer =
      fault === 'lose-answer'
        ? () => {
            res.socket?.destroy();
          }
        : (status: number, body?: unknown) => this.send(res, status, body, headers);

    // Discord's rules beyond the schema (the spec allows 4,000 characters: that is for Nitro users, not bots).
    const content = typeof payload.content === 'string' ? payload.content : '';
    if ([...content].length > 2000) {
      this.invalid(res, {
        content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
      });
      return;
    }
    const embeds = Array.isArray(payload.embeds) ? (payload.embeds as Array<Record<string, unknown>>) : [];
    if (embedTotal(embeds) > 6000) {
      this.invalid(res, {
        embeds: {
          _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }],
        },
      });
      return;
    }
    const attachments = Array.isArray(payload.attachments)
      ? (payload.attachments as Array<{ id: number | string; filename?: string; description?: string }>)
      : [];
    if (files.length !== attachments.length) {
      this.problems.push(`${files.length} files but ${attachments.length} attachments in payload_json`);
    }
    for (const [index, file] of files.entries()) {
      const attachment = attachments.find((a) => String(a.id) === String(index));
      if (file.field !== `files[${index}]` || !attachment) {
        this.problems.push(`file part ${file.field} has no attachments[] entry with id ${index}`);
      }
    }
    const size = files.reduce((sum, file) => sum + file.bytes.length, 0);
    if (size > this.maxUploadBytes) {
      this.send(res, 413, { message: 'Request entity too large', code: 40005 });
      return;
    }
    if (payload.allowed_mentions === undefined) {
      this.problems.push('a create without allowed_mentions: it may ping @everyone');
    }
    if (how.webhook && (payload.nonce !== undefined || payload.message_reference !== undefined)) {
      this.problems.push(
        'an Execute Webhook request with nonce or message_reference, which it does not take',
      );
    }
    const nonce = typeof payload.nonce === 'string' ? payload.nonce : undefined;
    if (how.enforceNonce && nonce && payload.enforce_nonce === true) {
      const since = this.now().getTime() - NONCE_WINDOW_MS;
      const earlier = this.stored.find(
        (m) => m.nonce === nonce && m.author.id === how.author.id && Date.parse(m.timestamp) >= since,
      );
      if (earlier) {
        this.counts.nonceHits += 1;
        answer(200, this.view(earlier, true));
        return;
      }
    }
    this.counts.creates += 1;
    this.payloads.push(payload);
    if (files.length > 0) {
      this.uploads.push(
        files.map((f) => ({
          field: f.field,
          filename: f.filename,
          contentType: f.contentType,
          size: f.bytes.length,
        })),
      );
    }
    const reference = payload.message_reference as { message_id?: string } | undefined;
    const target = reference?.message_id ? this.stored.find((m) => m.id === reference.message_id) : undefined;
    const message = this.store({
      author: how.author,
      content,
      embeds: embeds.map((embed) => ({ type: 'rich', ...embed })),
      attachments: files.map((file, index) => {
        const attachment = attachments.find((a) => String(a.id) === String(index));
        return {
          id: this.snowflake(),
          filename: attachment?.filename ?? file.filename,
          ...(attachment?.description ? { description: attachment.description } : {}),
          size: file.bytes.length,
          content_type: file.contentType,
        };
      }),
      nonce,
      allowed_mentions: payload.allowed_mentions,
      flags: typeof payload.flags === 'number' ? payload.flags : undefined,
      ...(how.webhook ? { webhook_id: this.webhook.id } : {}),
      ...(reference?.message_id
        ? {
            message_reference: { message_id: reference.message_id, channel_id: this.channelId },
            referenced_author: target?.author.id,
          }
        : {}),
    });
    if (how.webhook && !how.wait) {
      answer(204);
      return;
    }
    answer(200, this.view(message, true));
  }
}

/** The characters Discord counts towards an embed's 6,000. */
function embedTotal(embeds: Array<Record<string, unknown>>): number {
  const length = (value: unknown) => (typeof value === 'string' ? [...value].length : 0);
  let total = 0;
  for (const embed of embeds) {
    total += length(embed.title) + length(embed.description);
    total += length((embed.footer as { text?: unknown } | undefined)?.text);
    total += length((embed.author as { name?: unknown } | undefined)?.name);
    for (const field of (embed.fields as Array<{ name?: unknown; value?: unknown }> | undefined) ?? []) {
      total += length(field.name) + length(field.value);
    }
  }
  return total;
}

/** A multipart/form-data body's parts (RFC 7578): name, filename, type and bytes. */
export function parseMultipart(
  raw: Buffer,
  contentType: string,
): Array<{ name: string; filename?: string; contentType?: string; bytes: Buffer }> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) {
    throw new Error('multipart without a boundary');
  }
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: Array<{ name: string; filename?: string; contentType?: string; bytes: Buffer }> = [];
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (raw.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') {
      break;
    }
    const headerEnd = raw.indexOf('\r\n\r\n', afterDelimiter);
    const next = raw.indexOf(delimiter, headerEnd);
    if (headerEnd < 0 || next < 0) {
      throw new Error('a multipart part is not terminated');
    }
    const headers = raw.subarray(afterDelimiter + 2, headerEnd).toString('utf8');
    const bytes = raw.subarray(headerEnd + 4, next - 2);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    parts.push({
      name: /name="([^"]*)"/.exec(disposition)?.[1] ?? '',
      filename: /filename="([^"]*)"/.exec(disposition)?.[1],
      contentType: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim(),
      bytes,
    });
    start = next;
  }
  return parts;
}
