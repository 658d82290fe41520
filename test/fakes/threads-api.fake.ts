/**
 * A contract fake of the Threads API (graph.threads.net), written from Meta's documentation:
 * - Overview, rate limiting and publishing quotas: https://developers.facebook.com/docs/threads/overview
 *   (250 posts / 1,000 replies per moving 24 h, enforced on threads_publish; GET /{user}/threads_publishing_limit)
 * - Posts: https://developers.facebook.com/docs/threads/posts (POST /{user}/threads with media_type TEXT, IMAGE,
 *   VIDEO, CAROUSEL + children of is_carousel_item containers (2–20), text ≤ 500 with emoji counted as UTF-8 bytes;
 *   POST /{user}/threads_publish?creation_id=…)
 * - Troubleshooting: https://developers.facebook.com/docs/threads/troubleshooting (GET /{container}?fields=status,
 *   error_message: IN_PROGRESS, FINISHED, PUBLISHED, ERROR, EXPIRED after 24 h unpublished)
 * - Tokens: https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions (consent
 *   screen GET threads.net/oauth/authorize, here approved at once with a 302 to redirect_uri?code&state) and
 *   …/get-started/long-lived-tokens (POST /oauth/access_token: short-lived 1 h + user_id; GET /access_token
 *   grant_type=th_exchange_token: 60 days; GET /refresh_access_token grant_type=th_refresh_token: a long-lived token
 *   at least 24 h old and unexpired, 60 days again)
 * - Replies and insights: https://developers.facebook.com/docs/threads/reply-management and …/insights
 *   (GET /{media}/conversation paginated with cursors; reply_to_id; GET /{media}/insights, /{user}/threads_insights)
 * - Error bodies: https://developers.facebook.com/docs/graph-api/guides/error-handling ({"error": {message, type,
 *   code, error_subcode, fbtrace_id}}; 190 invalid/expired token, 10/2xx permission, 4/17 throttling, 100 param).
 * Assumptions where the pages are silent (named so a reader can check them): errors answer HTTP 400 as Graph does
 * (401 for a missing/invalid token, 403 for a missing scope); the quota refusal on threads_publish is code 4; a
 * container's answer has no media id.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { threadsTextLength } from '../../plugins/threads/threads-text';

const VERSION = 'v1.0';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';

interface Token {
  value: string;
  kind: 'short' | 'long';
  issuedAt: number;
  expiresAt: number;
  scopes: Set<string>;
  revoked: boolean;
}

export interface FakeContainer {
  id: string;
  mediaType: string;
  text?: string;
  imageUrl?: string;
  children: string[];
  isCarouselItem: boolean;
  replyToId?: string;
  topicTag?: string;
  createdAt: number;
  statusReadsLeft: number;
  status: ContainerStatus;
  errorMessage?: string;
  mediaId?: string;
}

export interface FakeMedia {
  id: string;
  text: string;
  mediaType: string;
  timestamp: number;
  username: string;
  ownedByMe: boolean;
  replyToId?: string;
  rootId?: string;
  containerId?: string;
  children: string[];
  views: number;
  likes: number;
}

export type FakeFault =
  | { kind: 'status'; status: number; code?: number; headers?: Record<string, string> }
  /** The request is carried out, then the connection drops before the answer. */
  | { kind: 'lose-answer' }
  /** No answer, nothing done. */
  | { kind: 'hang' };

const ALL_SCOPES = [
  'threads_basic',
  'threads_content_publish',
  'threads_manage_replies',
  'threads_read_replies',
  'threads_manage_insights',
];

export class ThreadsApiFake {
  readonly userId = '17841400000000001';
  readonly username = 'acme.coffee';
  readonly clientId = '990602627938098';
  readonly clientSecret = 'fake-app-secret';
  /** Each fetch of an IMAGE/CAROUSEL container's status answers IN_PROGRESS this many times first. */
  mediaStatusReads = 1;
  postQuota = 250;
  replyQuota = 1_000;
  readonly counters = {
    containersCreated: 0,
    publishCalls: 0,
    tokenRequests: { code: 0, exchange: 0, refresh: 0 },
  };

  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly tokens = new Map<string, Token>();
  private readonly codes = new Map<string, string>();
  readonly containers = new Map<string, FakeContainer>();
  readonly media: FakeMedia[] = [];
  private readonly faults: Array<{ matches: (method: string, path: string) => boolean; fault: FakeFault }> =
    [];
  private nextId = 18_000_000_000_000_000n;
  private offset = 0;
  baseUrl = '';

  /** The fake's clock: the real one, moved by `advance`. */
  now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: String(error), type: 'FakeError', code: 1 } }));
        }
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  // ---- test controls ------------------------------------------------------------------------------------------

  /** A long-lived token as `complete` would leave it (issued `ageMs` ago), with the given scopes. */
  issueLongLivedToken(ageMs = 2 * DAY, scopes = ALL_SCOPES): { accessToken: string; expiresAt: Date } {
    const token = this.newToken('long', this.now() - ageMs, scopes);
    return { accessToken: token.value, expiresAt: new Date(token.expiresAt) };
  }

  /** The consent screen approved: a code the token endpoint exchanges once. */
  authorize(): string {
    const code = `code-${randomBytes(6).toString('hex')}`;
    this.codes.set(code, this.userId);
    return code;
  }

  expireNow(accessToken: string): void {
    const token = this.tokens.get(accessToken);
    if (token) {
      token.expiresAt = this.now() - 1;
    }
  }

  /** The person removed the app in Threads settings: every token of the account stops working. */
  revokeAll(): void {
    this.tokens.forEach((token) => (token.revoked = true));
  }

  /** The next request matching gets the fault (e.g. `(m, p) => p.endsWith('/threads_publish')`). */
  failNext(matches: (method: string, path: string) => boolean, fault: FakeFault): void {
    this.faults.push({ matches, fault });
  }

  /** A post the account made elsewhere (the Threads app): something for others to reply to. */
  seedPost(text: string, at = this.now()): FakeMedia {
    const media: FakeMedia = {
      id: this.id(),
      text,
      mediaType: 'TEXT_POST',
      timestamp: at,
      username: this.username,
      ownedByMe: true,
      children: [],
      views: 0,
      likes: 0,
    };
    this.media.push(media);
    return media;
  }

  /** Someone else replies to a post (or to a reply). */
  replyFromOther(toMediaId: string, username: string, text: string, at = this.now()): FakeMedia {
    const target = this.media.find((media) => media.id === toMediaId);
    if (!target) {
      throw new Error(`fake: no media ${toMediaId}`);
    }
    const reply: FakeMedia = {
      id: this.id(),
      text,
      mediaType: 'TEXT_POST',
      timestamp: at,
      username,
      ownedByMe: false,
      replyToId: toMediaId,
      rootId: target.rootId ?? target.id,
      children: [],
      views: 0,
      likes: 0,
    };
    this.media.push(reply);
    return reply;
  }

  /** The account's published top-level posts (not replies), oldest first. */
  posts(): FakeMedia[] {
    return this.media.filter((media) => media.ownedByMe && !media.replyToId);
  }

  ownReplies(): FakeMedia[] {
    return this.media.filter((media) => media.ownedByMe && media.replyToId);
  }

  postsWithText(text: string): number {
    return this.posts().filter((media) => media.text === text).length;
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const params = new URLSearchParams(url.search);
    new URLSearchParams(body).forEach((value, name) => params.set(name, value));
    if (method === 'GET' && url.pathname === '/oauth/authorize') {
      return this.consent(params, res);
    }
    const faultIndex = this.faults.findIndex((entry) => entry.matches(method, url.pathname));
    const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0].fault : undefined;
    if (fault?.kind === 'hang') {
      return;
    }
    if (fault?.kind === 'status') {
      return send(
        res,
        fault.status,
        {
          error: {
            message: 'fake: injected failure',
            type: 'OAuthException',
            code: fault.code ?? fault.status,
            fbtrace_id: 'fake',
          },
        },
        fault.headers,
      );
    }
    const answer = (status: number, json: unknown): void => {
      if (fault?.kind === 'lose-answer') {
        req.socket.destroy();
      } else {
        send(res, status, json);
      }
    };
    try {
      const [status, json] = this.route(method, url.pathname, params, req);
      answer(status, json);
    } catch (error) {
      if (error instanceof GraphFailure) {
        return answer(error.status, {
          error: {
            message: error.message,
            type: error.type,
            code: error.code,
            ...(error.subcode ? { error_subcode: error.subcode } : {}),
            fbtrace_id: 'fake',
          },
        });
      }
      throw error;
    }
  }

  /**
   * The consent screen (threads.net/oauth/authorize), approved at once: a 302 to `redirect_uri` with `code` and
   * `state`. A wrong client_id or a missing redirect_uri is a 400 page instead of a redirect.
   */
  private consent(params: URLSearchParams, res: ServerResponse): void {
    const redirectUri = params.get('redirect_uri');
    if (params.get('client_id') !== this.clientId || params.get('response_type') !== 'code' || !redirectUri) {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('Invalid client_id, response_type or redirect_uri');
      return;
    }
    const location = new URL(redirectUri);
    location.searchParams.set('code', this.authorize());
    location.searchParams.set('state', params.get('state') ?? '');
    res.writeHead(302, { location: location.toString() }).end();
  }

  private route(
    method: string,
    path: string,
    params: URLSearchParams,
    req: IncomingMessage,
  ): [number, unknown] {
    if (path === '/oauth/access_token' && method === 'POST') {
      return this.exchangeCode(params);
    }
    if (path === '/access_token' && method === 'GET') {
      return this.exchangeLongLived(params);
    }
    if (path === '/refresh_access_token' && method === 'GET') {
      return this.refreshLongLived(params);
    }
    const [version, ...segments] = path.split('/').filter(Boolean);
    if (version !== VERSION) {
      throw new GraphFailure(400, 100, `Unsupported API version "${version}": use ${VERSION}`);
    }
    const token = this.authenticate(req, params);
    const [node, edge] = segments;
    const owner = node === 'me' ? this.userId : node;
    if (edge === 'threads' && method === 'POST') {
      return [200, this.createContainer(token, owner, params)];
    }
    if (edge === 'threads_publish' && method === 'POST') {
      return [200, this.publish(token, owner, params)];
    }
    if (edge === 'threads_publishing_limit') {
      this.need(token, 'threads_content_publish');
      return [200, { data: [this.usage()] }];
    }
    if ((edge === 'threads' || edge === 'replies') && method === 'GET' && owner === this.userId) {
      const items = edge === 'threads' ? this.posts() : this.ownReplies();
      return [200, this.page(this.window(items, params), params)];
    }
    if (edge === 'conversation' || edge === 'replies') {
      this.need(token, 'threads_read_replies');
      const replies = this.media.filter(
        (media) => media.rootId === node || (edge === 'replies' && media.replyToId === node),
      );
      return [200, this.page(replies, params)];
    }
    if (edge === 'insights') {
      this.need(token, 'threads_manage_insights');
      return [200, this.mediaInsights(node, params)];
    }
    if (edge === 'threads_insights') {
      this.need(token, 'threads_manage_insights');
      return [200, this.accountInsights(params)];
    }
    if (!edge && method === 'GET') {
      return [200, this.read(owner, params)];
    }
    throw new GraphFailure(400, 100, `Unsupported ${method} request to ${path}`);
  }

  private authenticate(req: IncomingMessage, params: URLSearchParams): Token {
    const header = req.headers.authorization;
    const value = header?.startsWith('Bearer ') ? header.slice(7) : params.get('access_token');
    const token = value ? this.tokens.get(value) : undefined;
    if (!token) {
      throw new GraphFailure(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    }
    if (token.revoked) {
      throw new GraphFailure(
        401,
        190,
        'Error validating access token: The user has not authorized application.',
        460,
      );
    }
    if (token.expiresAt <= this.now()) {
      throw new GraphFailure(401, 190, 'Error validating access token: Session has expired.', 463);
    }
    return token;
  }

  private need(token: Token, scope: string): void {
    if (!token.scopes.has(scope)) {
      throw new GraphFailure(
        403,
        10,
        `Application does not have permission for this action: ${scope} is required`,
      );
    }
  }

  private exchangeCode(params: URLSearchParams): [number, unknown] {
    this.counters.tokenRequests.code += 1;
    if (params.get('client_id') !== this.clientId || params.get('client_secret') !== this.clientSecret) {
      throw new GraphFailure(400, 101, 'Error validating application. Invalid application ID or secret.');
    }
    const code = params.get('code') ?? '';
    if (
      params.get('grant_type') !== 'authorization_code' ||
      !this.codes.has(code) ||
      !params.get('redirect_uri')
    ) {
      throw new GraphFailure(400, 100, 'Invalid authorization code, grant_type or redirect_uri');
    }
    this.codes.delete(code);
    const token = this.newToken('short', this.now(), ALL_SCOPES);
    return [200, { access_token: token.value, user_id: Number(this.userId) }];
  }

  private exchangeLongLived(params: URLSearchParams): [number, unknown] {
    this.counters.tokenRequests.exchange += 1;
    if (
      params.get('grant_type') !== 'th_exchange_token' ||
      params.get('client_secret') !== this.clientSecret
    ) {
      throw new GraphFailure(400, 101, 'Error validating application. Invalid grant_type or client_secret.');
    }
    const short = this.tokens.get(params.get('access_token') ?? '');
    if (!short || short.kind !== 'short' || short.revoked || short.expiresAt <= this.now()) {
      throw new GraphFailure(
        400,
        190,
        'Error validating access token: a valid short-lived token is required',
      );
    }
    const token = this.newToken('long', this.now(), [...short.scopes]);
    return [
      200,
      {
        access_token: token.value,
        token_type: 'bearer',
        expires_in: Math.floor((token.expiresAt - this.now()) / 1000),
      },
    ];
  }

  private refreshLongLived(params: URLSearchParams): [number, unknown] {
    this.counters.tokenRequests.refresh += 1;
    const old = this.tokens.get(params.get('access_token') ?? '');
    if (params.get('grant_type') !== 'th_refresh_token' || !old || old.kind !== 'long') {
      throw new GraphFailure(400, 190, 'Error validating access token: a long-lived token is required');
    }
    if (old.revoked || old.expiresAt <= this.now()) {
      throw new GraphFailure(400, 190, 'Error validating access token: Session has expired.', 463);
    }
    if (this.now() - old.issuedAt < DAY) {
      throw new GraphFailure(
        400,
        190,
        'The access token is less than 24 hours old and cannot be refreshed yet',
      );
    }
    const token = this.newToken('long', this.now(), [...old.scopes]);
    return [
      200,
      {
        access_token: token.value,
        token_type: 'bearer',
        expires_in: Math.floor((token.expiresAt - this.now()) / 1000),
      },
    ];
  }

  private createContainer(token: Token, owner: string, params: URLSearchParams): unknown {
    this.need(token, 'threads_basic');
    this.need(token, 'threads_content_publish');
    this.mine(owner);
    const mediaType = params.get('media_type') ?? '';
    const text = params.get('text') ?? undefined;
    const isCarouselItem = params.get('is_carousel_item') === 'true';
    const replyToId = params.get('reply_to_id') ?? undefined;
    if (!['TEXT', 'IMAGE', 'VIDEO', 'CAROUSEL'].includes(mediaType)) {
      throw new GraphFailure(400, 100, 'Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}');
    }
    if (mediaType === 'TEXT' && !text) {
      throw new GraphFailure(400, 100, 'Param text is required for media_type=TEXT');
    }
    if (text !== undefined && threadsTextLength(text) > 500) {
      throw new GraphFailure(400, 100, 'Param text must be at most 500 characters long.');
    }
    if (mediaType === 'IMAGE' && !/^https?:\/\//.test(params.get('image_url') ?? '')) {
      throw new GraphFailure(400, 100, 'Param image_url must be a public http(s) URL');
    }
    const children = (params.get('children') ?? '').split(',').filter(Boolean);
    if (mediaType === 'CAROUSEL') {
      if (children.length < 2 || children.length > 20) {
        throw new GraphFailure(400, 100, 'Param children must name 2 to 20 carousel item containers');
      }
      for (const child of children) {
        const item = this.containers.get(child);
        if (!item?.isCarouselItem) {
          throw new GraphFailure(400, 100, `Param children: ${child} is not a carousel item container`);
        }
      }
    }
    if (replyToId !== undefined) {
      this.need(token, 'threads_manage_replies');
      if (!this.media.some((media) => media.id === replyToId)) {
        throw new GraphFailure(400, 100, `Param reply_to_id: media ${replyToId} does not exist`);
      }
    }
    const id = this.id();
    const slow = mediaType !== 'TEXT';
    this.containers.set(id, {
      id,
      mediaType,
      text,
      imageUrl: params.get('image_url') ?? undefined,
      children,
      isCarouselItem,
      replyToId,
      topicTag: params.get('topic_tag') ?? undefined,
      createdAt: this.now(),
      statusReadsLeft: slow ? this.mediaStatusReads : 0,
      status: slow && this.mediaStatusReads > 0 ? 'IN_PROGRESS' : 'FINISHED',
    });
    this.counters.containersCreated += 1;
    return { id };
  }

  private publish(token: Token, owner: string, params: URLSearchParams): unknown {
    this.need(token, 'threads_content_publish');
    this.mine(owner);
    this.counters.publishCalls += 1;
    const container = this.containers.get(params.get('creation_id') ?? '');
    if (!container || container.isCarouselItem) {
      throw new GraphFailure(400, 100, 'Param creation_id must be a media container of this user');
    }
    this.settle(container);
    if (container.status === 'PUBLISHED') {
      throw new GraphFailure(400, 100, 'The media container has already been published', 4279009);
    }
    if (container.status !== 'FINISHED') {
      throw new GraphFailure(
        400,
        24,
        `The media container is ${container.status} and cannot be published`,
        4279001,
      );
    }
    const usage = this.usage();
    if (
      container.replyToId ? usage.reply_quota_usage >= this.replyQuota : usage.quota_usage >= this.postQuota
    ) {
      throw new GraphFailure(
        400,
        4,
        'Application request limit reached: the profile reached its 24-hour publishing limit',
      );
    }
    const target = container.replyToId
      ? this.media.find((media) => media.id === container.replyToId)
      : undefined;
    const media: FakeMedia = {
      id: this.id(),
      text: container.text ?? '',
      mediaType: `${container.mediaType}_POST`.replace('TEXT_POST', 'TEXT_POST'),
      timestamp: this.now(),
      username: this.username,
      ownedByMe: true,
      replyToId: container.replyToId,
      rootId: target ? (target.rootId ?? target.id) : undefined,
      containerId: container.id,
      children: container.children,
      views: 0,
      likes: 0,
    };
    this.media.push(media);
    container.status = 'PUBLISHED';
    container.mediaId = media.id;
    return { id: media.id };
  }

  private read(id: string, params: URLSearchParams): unknown {
    if (id === this.userId) {
      return { id, username: this.username, name: 'Acme Coffee', threads_biography: 'Small-batch roasters.' };
    }
    const container = this.containers.get(id);
    if (container) {
      this.settle(container);
      if (container.status === 'IN_PROGRESS' && params.get('fields')?.includes('status')) {
        container.statusReadsLeft -= 1;
        if (container.statusReadsLeft <= 0) {
          container.status = 'FINISHED';
        }
        return { id, status: 'IN_PROGRESS' };
      }
      return {
        id,
        status: container.status,
        ...(container.errorMessage ? { error_message: container.errorMessage } : {}),
      };
    }
    const media = this.media.find((item) => item.id === id);
    if (!media) {
      throw new GraphFailure(400, 100, `Unsupported get request. Object with ID '${id}' does not exist`, 33);
    }
    return this.mediaJson(media);
  }

  private settle(container: FakeContainer): void {
    if (container.status !== 'PUBLISHED' && this.now() - container.createdAt > DAY) {
      container.status = 'EXPIRED';
    }
  }

  private mine(owner: string): void {
    if (owner !== this.userId) {
      throw new GraphFailure(
        400,
        100,
        `Unsupported post request. Object with ID '${owner}' cannot be used by this token`,
        33,
      );
    }
  }

  private usage() {
    const since = this.now() - DAY;
    const recent = this.media.filter((media) => media.ownedByMe && media.timestamp > since);
    return {
      quota_usage: recent.filter((media) => !media.replyToId).length,
      config: { quota_total: this.postQuota, quota_duration: 86_400 },
      reply_quota_usage: recent.filter((media) => media.replyToId).length,
      reply_config: { quota_total: this.replyQuota, quota_duration: 86_400 },
    };
  }

  private window(items: FakeMedia[], params: URLSearchParams): FakeMedia[] {
    const since = Number(params.get('since') ?? 0) * 1000;
    const until = params.has('until') ? Number(params.get('until')) * 1000 : Number.POSITIVE_INFINITY;
    // Newest first, as Threads lists a user's posts.
    return items.filter((media) => media.timestamp >= since && media.timestamp <= until).reverse();
  }

  private page(items: FakeMedia[], params: URLSearchParams): unknown {
    const limit = Math.min(Number(params.get('limit') ?? 25), 100);
    const start = params.has('after') ? Number(Buffer.from(params.get('after')!, 'base64url').toString()) : 0;
    const slice = items.slice(start, start + limit);
    const end = start + slice.length;
    const cursor = (at: number) => Buffer.from(String(at)).toString('base64url');
    return {
      data: slice.map((media) => this.mediaJson(media)),
      paging: {
        cursors: { before: cursor(start), after: cursor(end) },
        ...(end < items.length ? { next: `${this.baseUrl}/next?after=${cursor(end)}` } : {}),
      },
    };
  }

  private mediaJson(media: FakeMedia): unknown {
    return {
      id: media.id,
      text: media.text,
      media_type: media.mediaType,
      username: media.username,
      timestamp: new Date(media.timestamp).toISOString().replace(/\.\d{3}Z$/, '+0000'),
      permalink: `https://www.threads.net/@${media.username}/post/${media.id}`,
      is_reply: Boolean(media.replyToId),
      is_reply_owned_by_me: media.ownedByMe && Boolean(media.replyToId),
      ...(media.replyToId ? { replied_to: { id: media.replyToId }, root_post: { id: media.rootId } } : {}),
    };
  }

  private mediaInsights(id: string, params: URLSearchParams): unknown {
    const media = this.media.find((item) => item.id === id);
    if (!media) {
      throw new GraphFailure(400, 100, `Object with ID '${id}' does not exist`, 33);
    }
    const replies = this.media.filter((item) => item.replyToId === id).length;
    const values: Record<string, number> = {
      views: media.views,
      likes: media.likes,
      replies,
      reposts: 0,
      quotes: 0,
      shares: 0,
    };
    return {
      data: this.metrics(params).map((name) => ({
        name,
        period: 'lifetime',
        values: [{ value: values[name] ?? 0 }],
        id: `${id}/insights/${name}/lifetime`,
      })),
    };
  }

  private accountInsights(params: URLSearchParams): unknown {
    const since = Number(params.get('since') ?? 0) * 1000;
    const until = Number(params.get('until') ?? this.now() / 1000) * 1000;
    const posts = this.posts().filter((media) => media.timestamp >= since && media.timestamp < until);
    const sum = (pick: (media: FakeMedia) => number) =>
      posts.reduce((total, media) => total + pick(media), 0);
    return {
      data: this.metrics(params).map((name) =>
        name === 'views'
          ? {
              name,
              period: 'day',
              values: [{ value: sum((media) => media.views), end_time: new Date(until).toISOString() }],
            }
          : {
              name,
              period: 'day',
              total_value: {
                value: name === 'followers_count' ? 1234 : name === 'likes' ? sum((media) => media.likes) : 0,
              },
            },
      ),
    };
  }

  private metrics(params: URLSearchParams): string[] {
    const allowed = new Set([
      'views',
      'likes',
      'replies',
      'reposts',
      'quotes',
      'shares',
      'followers_count',
      'follower_demographics',
    ]);
    const names = (params.get('metric') ?? '').split(',').filter(Boolean);
    const unknown = names.find((name) => !allowed.has(name));
    if (names.length === 0 || unknown) {
      throw new GraphFailure(
        400,
        100,
        `Param metric must be one of ${[...allowed].join(', ')}${unknown ? ` (got ${unknown})` : ''}`,
      );
    }
    return names;
  }

  private newToken(kind: Token['kind'], issuedAt: number, scopes: string[]): Token {
    const token: Token = {
      value: `TH${kind === 'long' ? 'LL' : 'SL'}${randomBytes(12).toString('hex')}`,
      kind,
      issuedAt,
      expiresAt: issuedAt + (kind === 'long' ? 60 * DAY : HOUR),
      scopes: new Set(scopes),
      revoked: false,
    };
    this.tokens.set(token.value, token);
    return token;
  }

  private id(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }
}

class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly subcode?: number,
    readonly type = 'OAuthException',
  ) {
    super(message);
  }
}

function send(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(json));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
