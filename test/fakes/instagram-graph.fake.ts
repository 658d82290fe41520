import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/*
 * A FAKE of the Instagram API with Instagram Login (graph.instagram.com), written from Meta's documentation:
 *   - Content publishing: developers.facebook.com/docs/instagram-platform/content-publishing
 *   - IG User Media (POST /{ig-user-id}/media, caption/hashtag/@tag limits, carousel 2–10 items, REELS):
 *     developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media
 *   - IG User Media Publish (50 posts per moving 24 hours): …/reference/ig-user/media_publish
 *   - IG Container (status_code EXPIRED, ERROR, FINISHED, IN_PROGRESS, PUBLISHED): …/reference/ig-container
 *   - IG User Content Publishing Limit (fields quota_usage, config): …/reference/ig-user/content_publishing_limit
 *   - IG Media Comments and IG Comment Replies (cursor paging): …/reference/ig-media/comments, …/ig-comment/replies
 *   - IG Media Insights: …/reference/ig-media/insights
 *   - Business Login for Instagram (consent page /oauth/authorize, here accepted at once with a 302 to the
 *     redirect_uri; code exchange, ig_exchange_token, ig_refresh_token, 60-day tokens):
 *     developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/business-login
 *   - Graph API error handling (codes 4, 17, 32, 190, 10; error bodies) and rate limiting
 *     (X-Business-Use-Case-Usage with estimated_time_to_regain_access):
 *     developers.facebook.com/docs/graph-api/guides/error-handling, …/docs/graph-api/overview/rate-limiting
 * It is NOT Instagram: one professional account, only the calls the connector makes, and switchable faults. Like
 * Instagram it cURLs every image_url/video_url it is given (a real HTTP GET) and refuses what is not a JPEG/MP4.
 */

export const FAKE_SCOPES = [
  'instagram_business_basic',
  'instagram_business_content_publish',
  'instagram_business_manage_comments',
  'instagram_business_manage_insights',
];

interface FakeToken {
  userId: string;
  expiresAt: number;
  revoked: boolean;
  scopes: string[];
}

interface FakeContainer {
  id: string;
  kind: 'IMAGE' | 'VIDEO' | 'REELS' | 'CAROUSEL';
  carouselItem: boolean;
  caption: string;
  altText?: string;
  children: string[];
  status: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';
  error?: string;
  pollsLeft: number;
}

export interface FakeMedia {
  id: string;
  containerId: string;
  kind: string;
  caption: string;
  timestamp: Date;
  children: number;
}

export interface FakeComment {
  id: string;
  mediaId: string;
  parentId?: string;
  username: string;
  text: string;
  timestamp: Date;
}

type Fault = {
  status: number;
  code: number;
  subcode?: number;
  message: string;
  headers?: Record<string, string>;
};

export interface InstagramFakeOptions {
  /** Container status reads answering IN_PROGRESS before a video (reel, carousel video) is FINISHED. */
  videoPollsUntilFinished?: number;
  /** Lifetime of long-lived tokens (documented: 60 days). */
  tokenLifetimeSeconds?: number;
  /** The 24-hour publishing quota (documented: 50). */
  quotaTotal?: number;
  /** Comments per page when the caller sends no limit. */
  commentPageSize?: number;
}

export class InstagramGraphFake {
  readonly userId = '17841400000000001';
  readonly username = 'acme.studio';
  readonly clientId = 'fake-app-id';
  readonly clientSecret = 'fake-app-secret';
  readonly apiVersions = new Set<string>();
  /** What tests assert on. */
  readonly counters = { containersCreated: 0, publishes: 0, tokenRequests: 0, mediaFetches: 0, requests: 0 };
  readonly containers = new Map<string, FakeContainer>();
  readonly media: FakeMedia[] = [];
  readonly comments: FakeComment[] = [];
  private readonly tokens = new Map<string, FakeToken>();
  private readonly codes = new Map<string, { token: string }>();
  private faults: Array<{
    match: (method: string, path: string) => boolean;
    fault: Fault | 'lose-answer' | 'hang';
  }> = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private nextId = 18_000_000_000_000_000n;
  private readonly options: Required<InstagramFakeOptions>;

  constructor(options: InstagramFakeOptions = {}) {
    this.options = {
      videoPollsUntilFinished: 2,
      tokenLifetimeSeconds: 60 * 86_400,
      quotaTotal: 50,
      commentPageSize: 25,
      ...options,
    };
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          this.graphError(res, { status: 500, code: 2, message: String(error) });
        }
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** A long-lived token for the account, as after Business Login (tests without the OAuth dance). */
  issueToken(scopes = FAKE_SCOPES, lifetimeSeconds = this.options.tokenLifetimeSeconds): string {
    const token = `IGAA${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, {
      userId: this.userId,
      expiresAt: Date.now() + lifetimeSeconds * 1000,
      revoked: false,
      scopes,
    });
    return token;
  }

  /** An authorization code the consent page would have sent to the callback. */
  issueCode(): string {
    const code = `code-${randomBytes(6).toString('hex')}`;
    this.codes.set(code, { token: this.issueToken(FAKE_SCOPES, 3600) });
    return code;
  }

  expireToken(token: string): void {
    this.tokens.get(token)!.expiresAt = Date.now() - 1000;
  }

  revokeToken(token: string): void {
    this.tokens.get(token)!.revoked = true;
  }

  /** The next request matching gets this Graph error. */
  failNext(match: (method: string, path: string) => boolean, fault: Fault): void {
    this.faults.push({ match, fault });
  }

  /** The next matching request is carried out, then its connection dropped before the answer (a lost answer). */
  loseAnswerNext(match: (method: string, path: string) => boolean): void {
    this.faults.push({ match, fault: 'lose-answer' });
  }

  /** The next matching request is never answered and not carried out (a timeout before sending). */
  hangNext(match: (method: string, path: string) => boolean): void {
    this.faults.push({ match, fault: 'hang' });
  }

  /** Someone comments on the newest media (or on `mediaId`). */
  comment(text: string, username = 'reader.one', mediaId?: string, parentId?: string): FakeComment {
    const target = mediaId ?? this.media[this.media.length - 1]?.id;
    if (!target) {
      throw new Error('InstagramGraphFake.comment: publish a media first');
    }
    const comment: FakeComment = {
      id: this.id(),
      mediaId: target,
      parentId,
      username,
      text,
      timestamp: new Date(),
    };
    this.comments.push(comment);
    return comment;
  }

  /** Media published with this caption (duplicates show as more than one). */
  mediaWithCaption(caption: string): FakeMedia[] {
    return this.media.filter((media) => media.caption === caption);
  }

  quotaUsage(now = Date.now()): number {
    return this.media.filter((media) => media.timestamp.getTime() > now - 86_400_000).length;
  }

  private id(): string {
    this.nextId += 1n + BigInt(Math.floor(Math.random() * 1000));
    return this.nextId.toString();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.requests += 1;
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const params = new URLSearchParams(url.search);
    if (
      method === 'POST' &&
      (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
    ) {
      new URLSearchParams(body).forEach((value, name) => params.set(name, value));
    }
    const versioned = /^\/(v\d+\.\d+)(\/.*)$/.exec(url.pathname);
    if (versioned) {
      this.apiVersions.add(versioned[1]);
    }
    const path = versioned ? versioned[2] : url.pathname;

    const faultIndex = this.faults.findIndex((entry) => entry.match(method, path));
    const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0].fault : undefined;
    if (fault === 'hang') {
      return;
    }
    if (fault && fault !== 'lose-answer') {
      this.graphError(res, fault);
      return;
    }
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      if (fault === 'lose-answer') {
        req.socket.destroy();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };

    // Business Login's consent page (www.instagram.com/oauth/authorize), accepted at once: 302 to the callback.
    if (method === 'GET' && path === '/oauth/authorize') {
      return this.consent(params, res);
    }
    // Business Login: code exchange (api.instagram.com), long-lived exchange and refresh (graph.instagram.com).
    if (method === 'POST' && path === '/oauth/access_token') {
      return this.codeExchange(params, send);
    }
    if (method === 'GET' && (path === '/access_token' || path === '/refresh_access_token')) {
      return this.longLived(path, params, send);
    }
    if (!versioned) {
      return this.graphError(res, {
        status: 400,
        code: 100,
        message: `Unknown path components: ${path} (no API version)`,
      });
    }
    const auth = this.authenticate(req, params);
    if ('status' in auth) {
      return this.graphError(res, auth);
    }
    const parts = path.split('/').filter(Boolean);
    const route = `${method} ${parts.length === 1 ? ':id' : `:id/${parts[1]}`}`;
    const scope = SCOPES_BY_ROUTE[route];
    if (scope && !auth.scopes.includes(scope)) {
      return this.graphError(res, {
        status: 403,
        code: 10,
        message: `Application does not have permission for this action (${scope})`,
      });
    }
    const [id, edge] = parts;
    if (id === 'me' && method === 'GET') {
      return send(200, {
        id: 'app-scoped-1',
        user_id: this.userId,
        username: this.username,
        name: 'Acme Studio',
        biography: 'We make things.',
        website: 'https://acme.example',
      });
    }
    if (id === this.userId) {
      if (!edge && method === 'GET') {
        return send(200, { id, followers_count: 1234, media_count: this.media.length });
      }
      if (edge === 'media' && method === 'POST') {
        return this.createContainer(params, send, res);
      }
      if (edge === 'media' && method === 'GET') {
        return this.listMedia(params, send);
      }
      if (edge === 'media_publish' && method === 'POST') {
        return this.publish(params, send, res);
      }
      if (edge === 'content_publishing_limit' && method === 'GET') {
        return send(200, {
          data: [
            {
              quota_usage: this.quotaUsage(),
              config: { quota_total: this.options.quotaTotal, quota_duration: 86_400 },
            },
          ],
        });
      }
    }
    const container = this.containers.get(id);
    if (container && !edge && method === 'GET') {
      if (container.status === 'IN_PROGRESS' && --container.pollsLeft <= 0) {
        container.status = 'FINISHED';
      }
      return send(200, {
        id,
        status_code: container.status,
        ...(container.error ? { status: container.error } : {}),
      });
    }
    const media = this.media.find((item) => item.id === id);
    if (media && edge === 'comments' && method === 'GET') {
      return this.page(
        params,
        this.comments.filter((c) => c.mediaId === id && !c.parentId),
        send,
      );
    }
    if (media && edge === 'insights' && method === 'GET') {
      const metrics = (params.get('metric') ?? '').split(',');
      return send(200, {
        data: metrics.map((name) => ({
          name,
          period: 'lifetime',
          values: [{ value: insight(name, media) }],
        })),
      });
    }
    const comment = this.comments.find((item) => item.id === id);
    if (comment && edge === 'replies') {
      if (method === 'GET') {
        return this.page(
          params,
          this.comments.filter((c) => c.parentId === id),
          send,
        );
      }
      const message = params.get('message');
      if (!message) {
        return this.graphError(res, { status: 400, code: 100, message: 'The parameter message is required' });
      }
      const reply = this.comment(message, this.username, comment.mediaId, id);
      return send(200, { id: reply.id });
    }
    return this.graphError(res, {
      status: 400,
      code: 100,
      message: `Unsupported ${method} request. Object with ID '${id}' does not exist or does not support this operation`,
    });
  }

  private authenticate(req: IncomingMessage, params: URLSearchParams): FakeToken | Fault {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : params.get('access_token');
    const held = token ? this.tokens.get(token) : undefined;
    if (!held) {
      return { status: 400, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
    }
    if (held.revoked) {
      return {
        status: 400,
        code: 190,
        subcode: 458,
        message: 'Error validating access token: The user has not authorized application.',
      };
    }
    if (held.expiresAt <= Date.now()) {
      return {
        status: 400,
        code: 190,
        subcode: 463,
        message: 'Error validating access token: Session has expired.',
      };
    }
    return held;
  }

  /**
   * The person allows access on the consent page: a 302 to `redirect_uri` with `code` and `state`. A wrong
   * client_id or a missing redirect_uri is a 400, as Instagram shows an error page instead of redirecting.
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
    location.searchParams.set('code', this.issueCode());
    location.searchParams.set('state', params.get('state') ?? '');
    res.writeHead(302, { location: location.toString() }).end();
  }

  private codeExchange(params: URLSearchParams, send: Sender): void {
    this.counters.tokenRequests += 1;
    const code = this.codes.get(params.get('code') ?? '');
    if (
      params.get('client_id') !== this.clientId ||
      params.get('client_secret') !== this.clientSecret ||
      params.get('grant_type') !== 'authorization_code' ||
      !code
    ) {
      return send(400, {
        error_type: 'OAuthException',
        code: 400,
        error_message: 'Invalid authorization code',
      });
    }
    this.codes.delete(params.get('code')!);
    send(200, {
      data: [{ access_token: code.token, user_id: this.userId, permissions: FAKE_SCOPES.join(',') }],
    });
  }

  private longLived(path: string, params: URLSearchParams, send: Sender): void {
    this.counters.tokenRequests += 1;
    const old = this.tokens.get(params.get('access_token') ?? '');
    const exchange = path === '/access_token';
    const grantOk = exchange
      ? params.get('grant_type') === 'ig_exchange_token' && params.get('client_secret') === this.clientSecret
      : params.get('grant_type') === 'ig_refresh_token';
    if (!old || old.revoked || !grantOk) {
      return send(400, {
        error: {
          message: 'Error validating access token: The user has not authorized application.',
          type: 'OAuthException',
          code: 190,
        },
      });
    }
    // Refresh needs a token not yet expired (documented: at least 24 hours old and valid; age not modelled).
    if (old.expiresAt <= Date.now() && !exchange) {
      return send(400, {
        error: {
          message: 'Error validating access token: Session has expired.',
          type: 'OAuthException',
          code: 190,
          error_subcode: 463,
        },
      });
    }
    const token = this.issueToken(old.scopes);
    if (!exchange) {
      old.revoked = true;
    }
    send(200, { access_token: token, token_type: 'bearer', expires_in: this.options.tokenLifetimeSeconds });
  }

  private async createContainer(params: URLSearchParams, send: Sender, res: ServerResponse): Promise<void> {
    const caption = params.get('caption') ?? '';
    const problem = captionProblem(caption);
    if (problem) {
      return this.graphError(res, { status: 400, code: 100, subcode: 2207010, message: problem });
    }
    const type = params.get('media_type');
    const carouselItem = params.get('is_carousel_item') === 'true';
    if (type === 'CAROUSEL') {
      const children = (params.get('children') ?? '').split(',').filter(Boolean);
      const items = children.map((id) => this.containers.get(id));
      if (
        children.length < 2 ||
        children.length > 10 ||
        items.some((item) => !item?.carouselItem || item.status !== 'FINISHED')
      ) {
        return this.graphError(res, {
          status: 400,
          code: 100,
          subcode: 2207028,
          message: 'Carousel must have 2 to 10 FINISHED carousel items',
        });
      }
      return this.addContainer(
        { kind: 'CAROUSEL', carouselItem: false, caption, children, status: 'FINISHED', pollsLeft: 0 },
        send,
      );
    }
    const video = type === 'REELS' || type === 'VIDEO';
    const mediaUrl = video ? params.get('video_url') : params.get('image_url');
    if (!mediaUrl || (type === 'VIDEO' && !carouselItem) || (type && !video)) {
      return this.graphError(res, {
        status: 400,
        code: 100,
        message:
          'The parameter image_url, or video_url with media_type REELS (VIDEO for carousel items), is required',
      });
    }
    const fetched = await this.cUrl(mediaUrl, video);
    this.addContainer(
      {
        kind: video ? (carouselItem ? 'VIDEO' : 'REELS') : 'IMAGE',
        carouselItem,
        caption: carouselItem ? '' : caption,
        altText: params.get('alt_text') ?? undefined,
        children: [],
        status: fetched ? (video ? 'IN_PROGRESS' : 'FINISHED') : 'ERROR',
        error: fetched
          ? undefined
          : `Media download has failed: the media URI doesn't meet our requirements (${fetched === false ? 'not a JPEG or MP4' : 'unreachable'})`,
        pollsLeft: video ? this.options.videoPollsUntilFinished : 0,
      },
      send,
    );
  }

  private addContainer(container: Omit<FakeContainer, 'id'>, send: Sender): void {
    const id = this.id();
    this.containers.set(id, { id, ...container });
    this.counters.containersCreated += 1;
    send(200, { id });
  }

  /** Instagram cURLs the media: a real GET; true when it is a JPEG (or an MP4 for video). */
  private async cUrl(url: string, video: boolean): Promise<boolean | undefined> {
    this.counters.mediaFetches += 1;
    try {
      const response = await fetch(url);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (!response.ok) {
        return undefined;
      }
      const type = response.headers.get('content-type') ?? '';
      return video
        ? type.startsWith('video/') &&
            bytes.length > 8 &&
            String.fromCharCode(...bytes.slice(4, 8)) === 'ftyp'
        : type === 'image/jpeg' && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    } catch {
      return undefined;
    }
  }

  private publish(params: URLSearchParams, send: Sender, res: ServerResponse): void {
    const container = this.containers.get(params.get('creation_id') ?? '');
    if (!container || container.carouselItem || container.status !== 'FINISHED') {
      return this.graphError(res, {
        status: 400,
        code: 9007,
        subcode: 2207027,
        message: `Media ID is not available (container ${container?.status ?? 'unknown'})`,
      });
    }
    if (this.quotaUsage() >= this.options.quotaTotal) {
      return this.graphError(res, {
        status: 400,
        code: 9,
        subcode: 2207042,
        message: 'Application request limit reached: the account has reached its publishing limit',
      });
    }
    container.status = 'PUBLISHED';
    const media: FakeMedia = {
      id: this.id(),
      containerId: container.id,
      kind: container.kind,
      caption: container.caption,
      timestamp: new Date(),
      children: container.children.length,
    };
    this.media.push(media);
    this.counters.publishes += 1;
    send(200, { id: media.id });
  }

  private listMedia(params: URLSearchParams, send: Sender): void {
    const newestFirst = [...this.media].reverse();
    this.page(params, newestFirst, send, (media) => ({
      id: media.id,
      caption: media.caption,
      timestamp: graphTime(media.timestamp),
      permalink: `https://www.instagram.com/p/${media.id}/`,
      media_type: media.kind === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : media.kind === 'IMAGE' ? 'IMAGE' : 'VIDEO',
    }));
  }

  /** Cursor paging as Graph does it: `paging.cursors.after` and a `next` link while more remain. */
  private page<T extends { id: string }>(
    params: URLSearchParams,
    items: T[],
    send: Sender,
    shape: (item: T) => unknown = (item) =>
      commentJson(item as unknown as FakeComment, params, this.comments),
  ): void {
    const limit = Number(params.get('limit') ?? this.options.commentPageSize);
    const after = params.get('after');
    const start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
    const slice = items.slice(start, start + limit);
    const end = start + slice.length;
    const cursor = Buffer.from(String(end)).toString('base64url');
    send(200, {
      data: slice.map(shape),
      paging: {
        cursors: { before: Buffer.from(String(start)).toString('base64url'), after: cursor },
        ...(end < items.length ? { next: `${this.url}/next?after=${cursor}` } : {}),
      },
    });
  }

  private graphError(res: ServerResponse, fault: Fault): void {
    res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
    res.end(
      JSON.stringify({
        error: {
          message: fault.message,
          type: fault.code === 190 ? 'OAuthException' : 'IGApiException',
          code: fault.code,
          ...(fault.subcode ? { error_subcode: fault.subcode } : {}),
          fbtrace_id: randomBytes(8).toString('hex'),
        },
      }),
    );
  }
}

type Sender = (status: number, json: unknown, headers?: Record<string, string>) => void;

/** Which permission each route needs (the endpoint references' Permissions rows). */
const SCOPES_BY_ROUTE: Record<string, string> = {
  'POST :id/media': 'instagram_business_content_publish',
  'POST :id/media_publish': 'instagram_business_content_publish',
  'GET :id/content_publishing_limit': 'instagram_business_content_publish',
  'GET :id/comments': 'instagram_business_manage_comments',
  'GET :id/replies': 'instagram_business_manage_comments',
  'POST :id/replies': 'instagram_business_manage_comments',
  'GET :id/insights': 'instagram_business_manage_insights',
};

/** IG User Media: captions at most 2,200 characters, 30 hashtags and 20 @ tags. */
export function captionProblem(caption: string): string | undefined {
  if ([...new Intl.Segmenter().segment(caption)].length > 2200) {
    return 'The caption is longer than 2200 characters';
  }
  if ((caption.match(/#[\p{L}\p{N}_]+/gu) ?? []).length > 30) {
    return 'The caption has more than 30 hashtags';
  }
  if ((caption.match(/@[\w.]+/g) ?? []).length > 20) {
    return 'The caption has more than 20 @ tags';
  }
  return undefined;
}

function graphTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function commentJson(comment: FakeComment, params: URLSearchParams, all: FakeComment[]): unknown {
  const fields = params.get('fields') ?? '';
  const json: Record<string, unknown> = {
    id: comment.id,
    text: comment.text,
    username: comment.username,
    timestamp: graphTime(comment.timestamp),
  };
  if (fields.includes('replies{')) {
    json.replies = {
      data: all
        .filter((c) => c.parentId === comment.id)
        .map((c) => ({ id: c.id, text: c.text, username: c.username, timestamp: graphTime(c.timestamp) })),
    };
  }
  return json;
}

function insight(name: string, media: FakeMedia): number {
  const base = Number(BigInt(media.id) % 97n);
  return (
    (
      { views: base * 10, reach: base * 7, likes: base, comments: 2, saved: 1, shares: 3 } as Record<
        string,
        number
      >
    )[name] ?? 0
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The public host Instagram cURLs media from (Metronome's media links in production): serves fixtures by name. */
export async function startMediaHost(
  files: Record<string, { bytes: Uint8Array; type: string }>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const file = files[decodeURIComponent((req.url ?? '/').slice(1))];
    if (!file) {
      res.writeHead(410).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.bytes.length) });
    res.end(file.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The smallest bytes that pass the fake's checks: a JPEG's SOI marker, an MP4's ftyp box. */
export const FIXTURE_JPEG = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9,
]);
export const FIXTURE_MP4 = new Uint8Array([
  0, 0, 0, 16, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 0, 0,
]);
