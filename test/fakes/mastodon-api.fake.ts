import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A FAKE Mastodon server: a contract stand-in written from the documented REST API (docs.joinmastodon.org/methods),
 * because no installable Mastodon-compatible server exists on the machines this project tests on. It is NOT
 * Mastodon and does not try to be one beyond the calls the connector makes: one local account, bearer-token
 * auth, the instance's limits, statuses with Idempotency-Key replay, media uploads that process asynchronously,
 * deletes, the account's statuses (pinned filter, paging), mention notifications (paging) and switchable faults.
 */

export interface FakeRequest {
  method: string;
  /** Path without the query, e.g. "/api/v1/statuses". */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeMedia {
  id: string;
  fileName: string;
  mimeType: string;
  bytes: number;
  description: string | null;
  /** GET /api/v1/media/:id calls still answered with 206 before the upload counts as processed. */
  pollsLeft: number;
  statusId: string | null;
}

export interface FakeStatus {
  id: string;
  createdAt: Date;
  accountId: string;
  text: string;
  spoilerText: string;
  visibility: string;
  sensitive: boolean;
  language: string | null;
  mediaIds: string[];
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  pinned: boolean;
  favourites: number;
  reblogs: number;
  replies: number;
}

interface FakeAccount {
  id: string;
  username: string;
  /** Empty for the local account; the other server's domain otherwise. */
  domain: string;
  displayName: string;
  note: string;
  fields: Array<{ name: string; value: string }>;
  followers: number;
}

interface FakeNotification {
  id: string;
  createdAt: Date;
  accountId: string;
  statusId: string;
}

/** Faults the fake can be told to produce, for the next matching requests. */
export type MastodonFault =
  /** 429 with X-RateLimit-* headers (Reset as ISO 8601, as Mastodon sends it) and optionally Retry-After. */
  | { kind: 'rate-limited'; resetAt: Date; retryAfterSeconds?: number }
  /** A 5xx without doing anything, like a failing server or the proxy in front of it. */
  | { kind: 'server-error'; status?: 500 | 502 | 503 | 504 }
  /** 403 "This action is outside the authorized scopes", as Doorkeeper answers a token without the scope. */
  | { kind: 'forbidden' }
  /** Handles the request as usual (a status IS created) but never answers: the caller times out after sending. */
  | { kind: 'hang-after-receive' };

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface PendingFault {
  fault: MastodonFault;
  route?: string;
  times: number;
}

const SUPPORTED_MIME_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'video/mp4',
  'video/quicktime',
  'audio/mpeg',
];
const IMAGE_SIZE_LIMIT = 16 * 1024 * 1024;
const VIDEO_SIZE_LIMIT = 99 * 1024 * 1024;
const DESCRIPTION_LIMIT = 1500;
const URL_LENGTH = 23;
const IDEMPOTENCY_TTL_MS = 60 * 60 * 1000;
const LINK = /https?:\/\/[^\s<>"]+/gu;

export interface MastodonApiFakeOptions {
  /** The clock the fake stamps statuses with and expires idempotency keys by. Default: the real one. */
  now?: () => Date;
  /** `configuration.statuses.max_characters`. Default 500. */
  maxCharacters?: number;
  /** How many GET /api/v1/media/:id calls answer 206 before an upload is processed. 0 answers POST with 200. */
  mediaPollsUntilReady?: number;
  /**
   * The account's request budget on POST /api/v1/statuses. Default: Mastodon's documented 300 requests per
   * 5 minutes per account (docs.joinmastodon.org/api/rate-limits), in windows aligned to the period as
   * rack-attack counts them; every answer carries X-RateLimit-Limit/Remaining/Reset (the reset as ISO 8601).
   */
  statusBudget?: { limit: number; periodMs: number };
}

/**
 * MastodonApiFake — a FAKE Mastodon server (contract test double written from the documented API, see the note at
 * the top of this file), not Mastodon. `start()` listens on 127.0.0.1 on a random port; `stop()` also drops held
 * (hung) requests.
 */
export class MastodonApiFake {
  /** The one valid access token. */
  readonly token = `fake-${randomBytes(12).toString('hex')}`;
  maxCharacters: number;
  mediaPollsUntilReady: number;
  readonly requests: FakeRequest[] = [];
  readonly statuses = new Map<string, FakeStatus>();
  readonly media = new Map<string, FakeMedia>();
  /** Answers to POST /api/v1/statuses that replayed an Idempotency-Key instead of creating a status. */
  idempotentReplays = 0;
  /** Successful PATCH /api/v1/accounts/update_credentials requests. */
  profileUpdates = 0;

  readonly account: FakeAccount = {
    id: '109000000000000001',
    username: 'acme',
    domain: '',
    displayName: 'Acme Coffee',
    note: 'Small-batch roastery.\nWe answer every mention.',
    fields: [
      { name: 'Website', value: 'https://acme.example' },
      { name: 'Shop', value: 'https://shop.acme.example/beans' },
      { name: 'Pronouns', value: 'we/us' },
    ],
    followers: 1200,
  };

  private readonly now: () => Date;
  private readonly accounts = new Map<string, FakeAccount>();
  private readonly notifications: FakeNotification[] = [];
  private readonly idempotency = new Map<string, { statusId: string; expiresAt: number }>();
  private readonly faults: PendingFault[] = [];
  private sequence = 0;
  private readonly statusBudget: { limit: number; periodMs: number };
  private budgetWindow = { period: -1, used: 0 };
  /** POST /api/v1/statuses answered 429 for want of budget. */
  rateLimitedPosts = 0;
  private notificationSequence = 1000;
  private server?: Server;
  private port = 0;

  constructor(options: MastodonApiFakeOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.maxCharacters = options.maxCharacters ?? 500;
    this.mediaPollsUntilReady = options.mediaPollsUntilReady ?? 2;
    this.statusBudget = options.statusBudget ?? { limit: 300, periodMs: 5 * 60_000 };
    this.accounts.set(this.account.id, this.account);
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.receive(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * Produce `fault` for the next `times` requests to `route` ("POST /api/v1/statuses"), or to any route when
   * none is given. Faults queue in the order they were set.
   */
  fail(fault: MastodonFault, options: { route?: string; times?: number } = {}): this {
    this.faults.push({ fault, route: options.route, times: options.times ?? 1 });
    return this;
  }

  /** The account's statuses that exist (not deleted), oldest first. */
  accountStatuses(): FakeStatus[] {
    return [...this.statuses.values()]
      .filter((status) => status.accountId === this.account.id)
      .sort((a, b) => compareIds(a.id, b.id));
  }

  requestsTo(method: string, path: string): FakeRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  /** A status by the account that did not come through the API under test (posted by hand, say). */
  postDirectly(text: string, options: { pinned?: boolean; createdAt?: Date } = {}): FakeStatus {
    return this.createStatus(this.account.id, {
      text,
      spoilerText: '',
      visibility: 'public',
      sensitive: false,
      language: null,
      mediaIds: [],
      inReplyToId: null,
      pinned: options.pinned ?? false,
      createdAt: options.createdAt,
    });
  }

  /**
   * Someone mentions the account: `from` is "user@other.example"; `text` is what they wrote (it should contain
   * the mention). A reply when `inReplyTo` names one of the account's statuses; `direct` makes it a private message.
   */
  mention(from: string, text: string, options: { inReplyTo?: string; direct?: boolean } = {}): FakeStatus {
    const author = this.remoteAccount(from);
    const parent = options.inReplyTo ? this.statuses.get(options.inReplyTo) : undefined;
    const status = this.createStatus(author.id, {
      text,
      spoilerText: '',
      visibility: options.direct ? 'direct' : 'public',
      sensitive: false,
      language: 'en',
      mediaIds: [],
      inReplyToId: parent?.id ?? null,
      pinned: false,
    });
    status.inReplyToAccountId = parent?.accountId ?? null;
    if (parent) {
      parent.replies += 1;
    }
    this.notifications.push({
      id: String(++this.notificationSequence),
      createdAt: this.now(),
      accountId: author.id,
      statusId: status.id,
    });
    return status;
  }

  /** Favourites and boosts arrive on a status. */
  react(statusId: string, counts: { favourites?: number; reblogs?: number; replies?: number }): void {
    const status = this.statuses.get(statusId);
    if (!status) {
      throw new Error(`fake: no status ${statusId}`);
    }
    status.favourites += counts.favourites ?? 0;
    status.reblogs += counts.reblogs ?? 0;
    status.replies += counts.replies ?? 0;
  }

  pin(statusId: string): void {
    const status = this.statuses.get(statusId);
    if (!status) {
      throw new Error(`fake: no status ${statusId}`);
    }
    status.pinned = true;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      this.requests.push(request);
      const fault = this.takeFault(request);
      let reply: Reply;
      try {
        reply = fault && fault.kind !== 'hang-after-receive' ? faultReply(fault) : this.route(request);
      } catch (error) {
        reply = { status: 500, body: `fake: ${(error as Error).stack}` };
      }
      if (fault?.kind === 'hang-after-receive') {
        return; // The work is done; the answer never leaves. stop() drops the connection.
      }
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type':
          typeof reply.body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
        ...reply.headers,
      });
      res.end(text);
    });
  }

  private takeFault(request: FakeRequest): MastodonFault | undefined {
    const route = `${request.method} ${request.path}`;
    const index = this.faults.findIndex((pending) => !pending.route || pending.route === route);
    if (index < 0) {
      return undefined;
    }
    const pending = this.faults[index];
    pending.times -= 1;
    if (pending.times <= 0) {
      this.faults.splice(index, 1);
    }
    return pending.fault;
  }

  private route(request: FakeRequest): Reply {
    const { method, path } = request;
    if (method === 'GET' && (path === '/api/v2/instance' || path === '/api/v1/instance')) {
      return { status: 200, body: this.instance() }; // Public: no token needed.
    }
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return {
        status: 401,
        body: { error: 'The access token is invalid' },
        headers: {
          'www-authenticate':
            'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"',
        },
      };
    }
    let match: RegExpExecArray | null;
    if (method === 'POST' && path === '/api/v1/statuses') {
      return this.withinBudget(() => this.createStatusFromApi(request));
    }
    if ((match = /^\/api\/v1\/statuses\/([^/]+)$/.exec(path))) {
      if (method === 'GET') {
        const status = this.statuses.get(match[1]);
        return status ? { status: 200, body: this.statusJson(status) } : notFound();
      }
      if (method === 'DELETE') {
        return this.deleteStatus(match[1]);
      }
    }
    if (method === 'POST' && path === '/api/v2/media') {
      return this.uploadMedia(request);
    }
    if (method === 'GET' && (match = /^\/api\/v1\/media\/([^/]+)$/.exec(path))) {
      return this.showMedia(match[1]);
    }
    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
      return { status: 200, body: this.credentialAccountJson() };
    }
    if (method === 'PATCH' && path === '/api/v1/accounts/update_credentials') {
      return this.updateCredentials(request);
    }
    if (method === 'GET' && (match = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(path))) {
      return this.listAccountStatuses(match[1], request.query);
    }
    if (method === 'GET' && path === '/api/v1/notifications') {
      return this.listNotifications(request.query);
    }
    return notFound();
  }

  private instance(): unknown {
    return {
      domain: this.host,
      title: 'Fake Mastodon (contract test double)',
      version: '4.3.0',
      source_url: 'https://github.com/mastodon/mastodon',
      description: 'A fake Mastodon API for Metronome’s connector tests.',
      languages: ['en'],
      configuration: {
        urls: { streaming: `ws://${this.host}` },
        accounts: { max_featured_tags: 10, max_pinned_statuses: 5 },
        statuses: {
          max_characters: this.maxCharacters,
          max_media_attachments: 4,
          characters_reserved_per_url: URL_LENGTH,
        },
        media_attachments: {
          supported_mime_types: SUPPORTED_MIME_TYPES,
          description_limit: DESCRIPTION_LIMIT,
          image_size_limit: IMAGE_SIZE_LIMIT,
          image_matrix_limit: 33_177_600,
          video_size_limit: VIDEO_SIZE_LIMIT,
          video_frame_rate_limit: 120,
          video_matrix_limit: 8_294_400,
        },
        polls: { max_options: 4, max_characters_per_option: 50 },
        translation: { enabled: false },
      },
      registrations: { enabled: false, approval_required: false, message: null },
      contact: { email: 'admin@fake.invalid', account: null },
      rules: [],
    };
  }

  /** Spends one request of the account's status budget, or answers 429 until the window's end. */
  private withinBudget(answer: () => Reply): Reply {
    const { limit, periodMs } = this.statusBudget;
    const now = this.now().getTime();
    const period = Math.floor(now / periodMs);
    if (this.budgetWindow.period !== period) {
      this.budgetWindow = { period, used: 0 };
    }
    const reset = new Date((period + 1) * periodMs).toISOString().replace('Z', '000Z');
    const headers = (remaining: number) => ({
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': reset,
    });
    if (this.budgetWindow.used >= limit) {
      this.rateLimitedPosts += 1;
      return { status: 429, body: { error: 'Too many requests' }, headers: headers(0) };
    }
    this.budgetWindow.used += 1;
    const reply = answer();
    return { ...reply, headers: { ...reply.headers, ...headers(limit - this.budgetWindow.used) } };
  }

  private createStatusFromApi(request: FakeRequest): Reply {
    const params = formParams(request);
    const key = headerValue(request.headers['idempotency-key']);
    const idempotencyId = key ? `${this.account.id}:${key}` : undefined;
    if (idempotencyId) {
      const known = this.idempotency.get(idempotencyId);
      if (known && known.expiresAt > this.now().getTime()) {
        const existing = this.statuses.get(known.statusId);
        this.idempotentReplays += 1;
        return existing ? { status: 200, body: this.statusJson(existing) } : notFound();
      }
    }
    const text = params.get('status') ?? '';
    const spoilerText = params.get('spoiler_text') ?? '';
    const mediaIds = params.getAll('media_ids[]');
    const visibility = params.get('visibility') ?? 'public';
    if (!['public', 'unlisted', 'private', 'direct'].includes(visibility)) {
      return unprocessable(`'${visibility}' is not a valid visibility`);
    }
    if (mediaIds.length > 4) {
      return unprocessable('You cannot attach more than 4 files.');
    }
    const attachments = mediaIds.map((id) => this.media.get(id));
    const missing = mediaIds.filter((_, i) => !attachments[i] || attachments[i].statusId !== null);
    if (missing.length > 0) {
      return unprocessable(`Media with IDs ${missing.join(', ')} not found.`);
    }
    if (attachments.some((media) => media && media.pollsLeft > 0)) {
      return unprocessable('Cannot attach files that have not finished processing. Try again in a moment!');
    }
    if (text.trim() === '' && mediaIds.length === 0) {
      return unprocessable("Validation failed: Text can't be blank");
    }
    if (countableLength(text, spoilerText) > this.maxCharacters) {
      return unprocessable(`Validation failed: Text character limit of ${this.maxCharacters} exceeded`);
    }
    const sensitive = params.get('sensitive');
    const status = this.createStatus(this.account.id, {
      text,
      spoilerText,
      visibility,
      sensitive: sensitive === 'true' || sensitive === '1' || spoilerText !== '',
      language: params.get('language'),
      mediaIds,
      inReplyToId: params.get('in_reply_to_id') || null,
      pinned: false,
    });
    attachments.forEach((media) => {
      if (media) {
        media.statusId = status.id;
      }
    });
    if (idempotencyId) {
      this.idempotency.set(idempotencyId, {
        statusId: status.id,
        expiresAt: this.now().getTime() + IDEMPOTENCY_TTL_MS,
      });
    }
    return { status: 200, body: this.statusJson(status) };
  }

  private deleteStatus(id: string): Reply {
    const status = this.statuses.get(id);
    if (!status || status.accountId !== this.account.id) {
      return notFound();
    }
    this.statuses.delete(id);
    // Mastodon answers with the deleted status and its source text, so clients can offer "delete & redraft".
    return { status: 200, body: { ...this.statusJson(status), text: status.text } };
  }

  private uploadMedia(request: FakeRequest): Reply {
    const parts = parseMultipart(request);
    if (!parts) {
      return { status: 400, body: { error: 'param is missing or the value is empty: file' } };
    }
    const file = parts.get('file');
    if (!file?.fileName) {
      return { status: 400, body: { error: 'param is missing or the value is empty: file' } };
    }
    const mimeType = file.contentType ?? 'application/octet-stream';
    if (!SUPPORTED_MIME_TYPES.includes(mimeType)) {
      return unprocessable(
        'Validation failed: File content type is invalid, File file type is not supported',
      );
    }
    const limit = mimeType.startsWith('image/') ? IMAGE_SIZE_LIMIT : VIDEO_SIZE_LIMIT;
    if (file.data.length > limit) {
      return unprocessable(`Validation failed: File must be less than ${limit / 1024 / 1024} MB`);
    }
    const description = parts.get('description')?.data.toString('utf8') ?? null;
    if (description && [...new Intl.Segmenter().segment(description)].length > DESCRIPTION_LIMIT) {
      return unprocessable(
        `Validation failed: Description is too long (maximum is ${DESCRIPTION_LIMIT} characters)`,
      );
    }
    const media: FakeMedia = {
      id: this.nextId(),
      fileName: file.fileName,
      mimeType,
      bytes: file.data.length,
      description,
      pollsLeft: this.mediaPollsUntilReady,
      statusId: null,
    };
    this.media.set(media.id, media);
    // POST /api/v2/media: 200 when processed synchronously, 202 with url null while processing in the background.
    return { status: media.pollsLeft > 0 ? 202 : 200, body: this.mediaJson(media) };
  }

  private showMedia(id: string): Reply {
    const media = this.media.get(id);
    // Only the owner's unattached uploads can be looked up; attached ones are 404 like anything unknown.
    if (!media || media.statusId !== null) {
      return notFound();
    }
    if (media.pollsLeft > 0) {
      media.pollsLeft -= 1;
      return { status: 206, body: this.mediaJson(media, false) };
    }
    return { status: 200, body: this.mediaJson(media) };
  }

  private listAccountStatuses(accountId: string, query: URLSearchParams): Reply {
    if (!this.accounts.has(accountId)) {
      return notFound();
    }
    let statuses = [...this.statuses.values()].filter((status) => status.accountId === accountId);
    if (query.get('pinned') === 'true') {
      statuses = statuses.filter((status) => status.pinned);
    }
    if (query.get('exclude_replies') === 'true') {
      statuses = statuses.filter((status) => status.inReplyToId === null);
    }
    const page = paginate(statuses, query, 20, 40);
    return {
      status: 200,
      body: page.map((status) => this.statusJson(status)),
      headers: linkHeader(`${this.baseUrl}/api/v1/accounts/${accountId}/statuses`, page),
    };
  }

  private listNotifications(query: URLSearchParams): Reply {
    const types = query.getAll('types[]');
    const notifications = this.notifications
      // Every notification here is a mention; another type filter finds nothing.
      .filter(() => types.length === 0 || types.includes('mention'))
      .filter((notification) => this.statuses.has(notification.statusId));
    const page = paginate(notifications, query, 40, 80);
    return {
      status: 200,
      body: page.map((notification) => {
        const status = this.statuses.get(notification.statusId) as FakeStatus;
        return {
          id: notification.id,
          type: 'mention',
          created_at: notification.createdAt.toISOString(),
          account: this.accountJson(this.accounts.get(notification.accountId) as FakeAccount),
          status: this.statusJson(status),
        };
      }),
      headers: linkHeader(`${this.baseUrl}/api/v1/notifications`, page),
    };
  }

  private createStatus(
    accountId: string,
    fields: Omit<
      FakeStatus,
      'id' | 'createdAt' | 'accountId' | 'favourites' | 'reblogs' | 'replies' | 'inReplyToAccountId'
    > & { createdAt?: Date },
  ): FakeStatus {
    const createdAt = fields.createdAt ?? this.now();
    const status: FakeStatus = {
      ...fields,
      id: this.nextId(createdAt),
      createdAt,
      accountId,
      inReplyToAccountId: null,
      favourites: 0,
      reblogs: 0,
      replies: 0,
    };
    this.statuses.set(status.id, status);
    return status;
  }

  /** Mastodon-style snowflake ids: milliseconds since the epoch shifted left 16 bits, plus a sequence. */
  private nextId(at: Date = this.now()): string {
    this.sequence = (this.sequence + 1) % 65_536;
    return ((BigInt(at.getTime()) << 16n) + BigInt(this.sequence)).toString();
  }

  private remoteAccount(handle: string): FakeAccount {
    const [username, domain] = handle.replace(/^@/, '').split('@');
    const existing = [...this.accounts.values()].find((a) => a.username === username && a.domain === domain);
    if (existing) {
      return existing;
    }
    const account: FakeAccount = {
      id: String(200_000 + this.accounts.size),
      username,
      domain: domain ?? '',
      displayName: username,
      note: '',
      fields: [],
      followers: 10,
    };
    this.accounts.set(account.id, account);
    return account;
  }

  private accountUrl(account: FakeAccount): string {
    return account.domain
      ? `https://${account.domain}/@${account.username}`
      : `${this.baseUrl}/@${account.username}`;
  }

  private accountJson(account: FakeAccount): Record<string, unknown> {
    return {
      id: account.id,
      username: account.username,
      acct: account.domain ? `${account.username}@${account.domain}` : account.username,
      display_name: account.displayName,
      locked: false,
      bot: false,
      created_at: '2022-11-01T00:00:00.000Z',
      note: renderHtml(account.note, this.baseUrl),
      url: this.accountUrl(account),
      avatar: `${this.baseUrl}/avatars/original/missing.png`,
      header: `${this.baseUrl}/headers/original/missing.png`,
      followers_count: account.followers,
      following_count: 12,
      statuses_count: [...this.statuses.values()].filter((s) => s.accountId === account.id).length,
      emojis: [],
      fields: account.fields.map((field) => ({
        name: field.name,
        value: renderHtml(field.value, this.baseUrl).replace(/^<p>|<\/p>$/g, ''),
        verified_at: null,
      })),
    };
  }

  /**
   * PATCH /api/v1/accounts/update_credentials as Mastodon documents it: display_name, note and
   * fields_attributes[i][name|value] (form or JSON); parameters left out keep their value; fields_attributes
   * replaces every field. Validates as Mastodon does by default (display name 30 characters, note 500, 4 fields) with a
   * 422 `Validation failed: …`. Answers the CredentialAccount.
   */
  private updateCredentials(request: FakeRequest): Reply {
    const params = formParams(request);
    const displayName = params.get('display_name') ?? this.account.displayName;
    const note = params.get('note') ?? this.account.note;
    const indexes = [...params.keys()]
      .map((key) => /^fields_attributes\[(\d+)\]\[name\]$/.exec(key)?.[1])
      .filter((index): index is string => index !== undefined);
    const fields =
      indexes.length > 0
        ? indexes
            .sort((a, b) => Number(a) - Number(b))
            .map((index) => ({
              name: params.get(`fields_attributes[${index}][name]`) ?? '',
              value: params.get(`fields_attributes[${index}][value]`) ?? '',
            }))
            .filter((field) => field.name !== '' || field.value !== '')
        : this.account.fields;
    const problems = [
      [...displayName].length > 30 ? 'Display name is too long (maximum is 30 characters)' : '',
      [...note].length > 500 ? 'Note is too long (maximum is 500 characters)' : '',
      fields.length > 4 ? 'Fields is too long (maximum is 4 fields)' : '',
    ].filter(Boolean);
    if (problems.length > 0) {
      return { status: 422, body: { error: `Validation failed: ${problems.join(', ')}` } };
    }
    Object.assign(this.account, { displayName, note, fields });
    this.profileUpdates += 1;
    return { status: 200, body: this.credentialAccountJson() };
  }

  private credentialAccountJson(): Record<string, unknown> {
    return {
      ...this.accountJson(this.account),
      source: {
        privacy: 'public',
        sensitive: false,
        language: 'en',
        note: this.account.note,
        fields: this.account.fields.map((field) => ({ ...field, verified_at: null })),
        follow_requests_count: 0,
      },
    };
  }

  private statusJson(status: FakeStatus): Record<string, unknown> {
    const account = this.accounts.get(status.accountId) as FakeAccount;
    const url = `${this.accountUrl(account)}/${status.id}`;
    return {
      id: status.id,
      created_at: status.createdAt.toISOString(),
      in_reply_to_id: status.inReplyToId,
      in_reply_to_account_id: status.inReplyToAccountId,
      sensitive: status.sensitive,
      spoiler_text: status.spoilerText,
      visibility: status.visibility,
      language: status.language,
      uri: account.domain
        ? `https://${account.domain}/users/${account.username}/statuses/${status.id}`
        : `${this.baseUrl}/users/${account.username}/statuses/${status.id}`,
      url,
      replies_count: status.replies,
      reblogs_count: status.reblogs,
      favourites_count: status.favourites,
      edited_at: null,
      content: renderHtml(status.text, this.baseUrl),
      reblog: null,
      application: { name: 'Metronome', website: null },
      account: this.accountJson(account),
      media_attachments: status.mediaIds.map((id) => this.mediaJson(this.media.get(id) as FakeMedia)),
      mentions: [],
      tags: [],
      emojis: [],
      card: null,
      poll: null,
      pinned: status.pinned,
    };
  }

  private mediaJson(media: FakeMedia, processed = media.pollsLeft === 0): Record<string, unknown> {
    const type = media.mimeType.startsWith('video/')
      ? 'video'
      : media.mimeType.startsWith('audio/')
        ? 'audio'
        : 'image';
    return {
      id: media.id,
      type,
      url: processed
        ? `${this.baseUrl}/system/media_attachments/files/${media.id}/original/${media.fileName}`
        : null,
      preview_url: `${this.baseUrl}/system/media_attachments/files/${media.id}/small/${media.fileName}`,
      remote_url: null,
      meta: {},
      description: media.description,
      blurhash: 'UFBWY:8_0Jxv4mx]t8t64.%M-:IUWGWAt6M}',
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------

function notFound(): Reply {
  return { status: 404, body: { error: 'Record not found' } };
}

function unprocessable(message: string): Reply {
  return { status: 422, body: { error: message } };
}

function faultReply(fault: Exclude<MastodonFault, { kind: 'hang-after-receive' }>): Reply {
  switch (fault.kind) {
    case 'rate-limited':
      return {
        status: 429,
        body: { error: 'Too many requests' },
        headers: {
          'x-ratelimit-limit': '300',
          'x-ratelimit-remaining': '0',
          // Mastodon writes the reset time as ISO 8601 with microseconds.
          'x-ratelimit-reset': fault.resetAt.toISOString().replace('Z', '000Z'),
          ...(fault.retryAfterSeconds !== undefined
            ? { 'retry-after': String(fault.retryAfterSeconds) }
            : {}),
        },
      };
    case 'server-error':
      return {
        status: fault.status ?? 500,
        body: "<!DOCTYPE html><html><body><h1>We're sorry, but something went wrong on our end.</h1></body></html>",
      };
    case 'forbidden':
      return { status: 403, body: { error: 'This action is outside the authorized scopes' } };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Mastodon's id paging: newest first; `max_id` (older than), `since_id` (newer than, newest page), `min_id`
 * (newer than, the page right after it), `limit` (default and maximum per endpoint).
 */
function paginate<T extends { id: string }>(
  items: T[],
  query: URLSearchParams,
  defaultLimit: number,
  maxLimit: number,
): T[] {
  const limit = Math.min(Number(query.get('limit') ?? defaultLimit) || defaultLimit, maxLimit);
  const maxId = query.get('max_id');
  const sinceId = query.get('since_id');
  const minId = query.get('min_id');
  const selected = items
    .filter((item) => !maxId || compareIds(item.id, maxId) < 0)
    .filter((item) => !sinceId || compareIds(item.id, sinceId) > 0)
    .filter((item) => !minId || compareIds(item.id, minId) > 0)
    .sort((a, b) => compareIds(b.id, a.id));
  return minId ? selected.slice(-limit) : selected.slice(0, limit);
}

function linkHeader(base: string, page: Array<{ id: string }>): Record<string, string> {
  if (page.length === 0) {
    return {};
  }
  const next = `<${base}?max_id=${page[page.length - 1].id}>; rel="next"`;
  const prev = `<${base}?min_id=${page[0].id}>; rel="prev"`;
  return { link: `${next}, ${prev}` };
}

/** POST parameters as Mastodon reads them: a form (urlencoded) or a JSON object (arrays become `name[]`). */
function formParams(request: FakeRequest): URLSearchParams {
  const type = headerValue(request.headers['content-type']) ?? '';
  if (type.startsWith('application/json')) {
    const params = new URLSearchParams();
    const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    for (const [name, value] of Object.entries(body)) {
      if (Array.isArray(value)) {
        value.forEach((item) => params.append(`${name}[]`, String(item)));
      } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        params.set(name, String(value));
      }
    }
    return params;
  }
  return new URLSearchParams(request.body.toString('utf8'));
}

interface MultipartPart {
  fileName?: string;
  contentType?: string;
  data: Buffer;
}

/** A small multipart/form-data reader (RFC 7578) for the upload endpoint. undefined when the body is not one. */
function parseMultipart(request: FakeRequest): Map<string, MultipartPart> | undefined {
  const type = headerValue(request.headers['content-type']) ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!type.startsWith('multipart/form-data') || !boundary) {
    return undefined;
  }
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts = new Map<string, MultipartPart>();
  let start = request.body.indexOf(delimiter);
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (request.body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') {
      break;
    }
    const headerEnd = request.body.indexOf('\r\n\r\n', afterDelimiter);
    const next = request.body.indexOf(delimiter, afterDelimiter);
    if (headerEnd < 0 || next < 0) {
      return undefined;
    }
    const headers = request.body.subarray(afterDelimiter + 2, headerEnd).toString('utf8');
    const data = request.body.subarray(headerEnd + 4, next - 2); // The CRLF before the next delimiter is not data.
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined) {
      parts.set(name, {
        fileName: /filename="([^"]*)"/i.exec(headers)?.[1],
        contentType: /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1].trim(),
        data,
      });
    }
    start = next;
  }
  return parts;
}

/** Length as Mastodon's StatusLengthValidator counts it: graphemes of spoiler + text, each link as 23. */
function countableLength(text: string, spoilerText: string): number {
  const countable = text.replace(LINK, 'x'.repeat(URL_LENGTH)).replace(/@(\w+)@[\w.-]+\.\w+/g, '@$1');
  return [...new Intl.Segmenter().segment(spoilerText + countable)].length;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Plain text rendered the way Mastodon's TextFormatter does: paragraphs in `<p>`, line breaks as `<br />`,
 * links with their scheme and overflow in invisible spans, mentions and hashtags as links showing `@user` and `#tag`.
 */
function renderHtml(text: string, baseUrl: string): string {
  if (text === '') {
    return '';
  }
  const inline = (line: string): string => {
    let html = '';
    let last = 0;
    const token = /(https?:\/\/[^\s<>"]+)|(?<![\w@/])@(\w+)(?:@([\w.-]+\.\w+))?|(?<![\w&/])#(\w+)/gu;
    for (const match of line.matchAll(token)) {
      html += escapeHtml(line.slice(last, match.index));
      const [whole, link, user, domain, tag] = match;
      if (link) {
        const [, scheme, rest] = /^(https?:\/\/)(.*)$/u.exec(link) as RegExpExecArray;
        const shown = rest.slice(0, 30);
        html +=
          `<a href="${escapeHtml(link)}" target="_blank" rel="nofollow noopener" translate="no">` +
          `<span class="invisible">${escapeHtml(scheme)}</span>` +
          `<span class="${rest.length > 30 ? 'ellipsis' : ''}">${escapeHtml(shown)}</span>` +
          `<span class="invisible">${escapeHtml(rest.slice(30))}</span></a>`;
      } else if (user) {
        const href = domain ? `https://${domain}/@${user}` : `${baseUrl}/@${user}`;
        html += `<span class="h-card" translate="no"><a href="${escapeHtml(href)}" class="u-url mention">@<span>${escapeHtml(user)}</span></a></span>`;
      } else if (tag) {
        html += `<a href="${baseUrl}/tags/${escapeHtml(tag.toLowerCase())}" class="mention hashtag" rel="tag">#<span>${escapeHtml(tag)}</span></a>`;
      } else {
        html += escapeHtml(whole);
      }
      last = match.index + whole.length;
    }
    return html + escapeHtml(line.slice(last));
  };
  return text
    .trim()
    .split(/\n{2,}/u)
    .map((paragraph) => `<p>${paragraph.split('\n').map(inline).join('<br />')}</p>`)
    .join('');
}
