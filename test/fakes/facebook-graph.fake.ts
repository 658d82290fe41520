import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countGraphemes } from '../../src/plugin-sdk';

/*
 * A FAKE Facebook Graph API (a contract test double, NOT Facebook), written from Meta's documentation:
 * - Pages API posts: https://developers.facebook.com/docs/pages-api/posts (POST /{page-id}/feed with message, link,
 *   attached_media; GET /{page-id}/posts; DELETE /{post-id})
 * - Page photos: https://developers.facebook.com/docs/graph-api/reference/page/photos/ (url, caption, published,
 *   unpublished photos attached later by media_fbid)
 * - Comments: https://developers.facebook.com/docs/graph-api/reference/object/comments/ (filter=stream,
 *   order=reverse_chronological, cursor paging; POST /{comment-id}/comments replies as the Page)
 * - Page Insights: https://developers.facebook.com/docs/platforminsights/page/ and the deprecated metrics list
 *   https://developers.facebook.com/docs/platforminsights/page/deprecated-metrics (invalid metric error)
 * - Facebook Login: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow (dialog/oauth,
 *   code exchange), long-lived tokens https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
 *   (fb_exchange_token; Page tokens from a long-lived user token have no expiry), /me/accounts
 * - appsecret_proof: https://developers.facebook.com/docs/graph-api/securing-requests/
 * - Errors: https://developers.facebook.com/docs/graph-api/guides/error-handling/ (error.message, type, code,
 *   error_subcode, fbtrace_id; 190 invalid token, 10/200 permissions, 100 invalid parameter, 506 duplicate post)
 * - Rate limits: https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ (Pages BUC limit, code
 *   80001, X-Business-Use-Case-Usage with estimated_time_to_regain_access in minutes)
 * Only the calls the connector makes are served; everything else answers Graph's "Unsupported get request" (100).
 */

export const FAKE_GRAPH_VERSIONS = ['v24.0', 'v25.0', 'v26.0'];
const DEPRECATED_METRICS = new Set([
  'page_impressions',
  'page_impressions_unique',
  'page_fans',
  'page_fan_adds',
  'page_engaged_users',
  'page_posts_impressions',
]);
const CURRENT_METRICS = new Set([
  'page_follows',
  'page_media_view',
  'page_post_engagements',
  'page_total_media_view_unique',
]);
const MAX_ATTACHED_MEDIA = 10;
const MAX_MESSAGE_CHARACTERS = 63_206;

type TokenKind = 'user-short' | 'user-long' | 'page';

interface FakeToken {
  kind: TokenKind;
  userId: string;
  pageId?: string;
  scopes: Set<string>;
  expiresAt?: Date;
  invalid?: { subcode: number; message: string };
}

export interface FakePost {
  id: string;
  pageId: string;
  message: string;
  link?: string;
  photoIds: string[];
  createdAt: Date;
}

export interface FakePhoto {
  id: string;
  pageId: string;
  url: string;
  altText?: string;
  published: boolean;
  attachedTo?: string;
}

export interface FakeComment {
  id: string;
  postId: string;
  parentId?: string;
  fromId: string;
  fromName: string;
  message: string;
  createdAt: Date;
}

export interface FakeGraphRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  authorization?: string;
}

/** Faults for the next matching request. */
export type GraphFault =
  /** Code 80001 (Pages BUC throttle) with X-Business-Use-Case-Usage saying how many minutes until access returns. */
  | { kind: 'throttled'; minutes: number }
  /** HTTP 500, code 2 "Service temporarily unavailable"; nothing is done. */
  | { kind: 'server-error' }
  /** The request is carried out (the post IS created), then the connection is destroyed: the answer is lost. */
  | { kind: 'lose-answer' }
  /** The request is carried out, and the answer held until stop(): the caller times out after sending. */
  | { kind: 'hang-after-send' };

interface PendingFault {
  fault: GraphFault;
  matches: (request: FakeGraphRequest) => boolean;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly type = 'OAuthException',
    readonly subcode?: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface FacebookGraphFakeOptions {
  now?: () => Date;
  /** The app's credentials the token endpoint accepts. */
  appId?: string;
  appSecret?: string;
  /** Every call must carry a valid appsecret_proof ("Require App Secret" on). Default true. */
  requireAppSecretProof?: boolean;
  /** Calls a Page token may make per window before code 80001. Default: effectively unlimited. */
  pageCallBudget?: { limit: number; windowMs: number };
  /**
   * Fetch photo URLs like Facebook does (a GET that must answer 200 with an image/* type). Default true; off
   * only for tests that do not serve media.
   */
  fetchPhotos?: boolean;
}

/** FacebookGraphFake — a FAKE Graph API (see the note at the top): listens on 127.0.0.1 on a random port. */
export class FacebookGraphFake {
  readonly appId: string;
  readonly appSecret: string;
  readonly page = {
    id: '104857600000001',
    name: 'Acme Coffee',
    about: 'Small-batch roastery.',
    website: 'https://acme.example',
  };
  readonly otherPage = { id: '104857600000002', name: 'Acme Coffee Berlin' };
  readonly userId = '900000000000001';
  readonly requests: FakeGraphRequest[] = [];
  readonly posts = new Map<string, FakePost>();
  readonly photos = new Map<string, FakePhoto>();
  readonly comments = new Map<string, FakeComment>();
  /** Requests to /oauth/access_token, by grant. */
  readonly tokenRequests = { code: 0, exchange: 0 };
  /** POSTs that created a post (feed or published photo). */
  postsCreated = 0;
  /** Answers refused with code 80001. */
  throttled = 0;
  /** Insights values per metric (day values). */
  insights: Record<string, number> = {
    page_follows: 1840,
    page_media_view: 5230,
    page_post_engagements: 312,
  };
  /** Pages the signed-in person manages (`/me/accounts`); tests may add the other one. */
  managedPages: Array<{ id: string; name: string }> = [{ id: this.page.id, name: this.page.name }];

  private readonly now: () => Date;
  private readonly tokens = new Map<string, FakeToken>();
  private readonly codes = new Map<
    string,
    { scopes: Set<string>; redirectUri: string; used: boolean; expiresAt: number }
  >();
  private readonly faults: PendingFault[] = [];
  private readonly requireProof: boolean;
  private readonly budget?: { limit: number; windowMs: number };
  private readonly fetchPhotos: boolean;
  private window = { start: 0, used: 0 };
  private sequence = 1000;
  private server?: Server;
  private port = 0;
  private readonly held = new Set<ServerResponse>();

  constructor(options: FacebookGraphFakeOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.appId = options.appId ?? '1357924680';
    this.appSecret = options.appSecret ?? `secret-${randomBytes(8).toString('hex')}`;
    this.requireProof = options.requireAppSecretProof ?? true;
    this.budget = options.pageCallBudget;
    this.fetchPhotos = options.fetchPhotos ?? true;
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
    this.held.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  // --- tokens ------------------------------------------------------------------------------------------------------

  /** A Page token as `/me/accounts` hands it out from a long-lived user token (no expiry). */
  issuePageToken(pageId = this.page.id, scopes = ALL_SCOPES): string {
    return this.mint({ kind: 'page', userId: this.userId, pageId, scopes: new Set(scopes) });
  }

  /** What the consent dialog does when the person accepts: an authorization code for these scopes. */
  authorize(redirectUri: string, scopes = ALL_SCOPES): string {
    const code = `code-${randomBytes(8).toString('hex')}`;
    this.codes.set(code, {
      scopes: new Set(scopes),
      redirectUri,
      used: false,
      expiresAt: this.now().getTime() + 10 * 60_000,
    });
    return code;
  }

  /** Every token of the person stops working as Facebook does after a password change (190/460). */
  expireSession(): void {
    this.tokens.forEach((token) => {
      token.invalid = {
        subcode: 460,
        message:
          'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
      };
    });
  }

  /** The person removed the app (Settings → Business integrations): every token answers 190/458. */
  revokeApp(): void {
    this.tokens.forEach((token) => {
      token.invalid = {
        subcode: 458,
        message: 'Error validating access token: The user has not authorized application ' + this.appId + '.',
      };
    });
  }

  // --- faults and data ---------------------------------------------------------------------------------------------

  /** The next request matching `route` ("POST feed", "POST photos", "POST comments" or any when absent) gets `fault`. */
  fail(fault: GraphFault, route?: 'POST feed' | 'POST photos' | 'POST comments', times = 1): this {
    const matches = (request: FakeGraphRequest) =>
      !route || (request.method === route.split(' ')[0] && request.path.endsWith(`/${route.split(' ')[1]}`));
    for (let i = 0; i < times; i++) {
      this.faults.push({ fault, matches });
    }
    return this;
  }

  /** The Page's published posts, newest first. */
  pagePosts(pageId = this.page.id): FakePost[] {
    return [...this.posts.values()].filter((post) => post.pageId === pageId).sort(newestFirst);
  }

  postsWithMessage(message: string): FakePost[] {
    return this.pagePosts().filter((post) => post.message === message);
  }

  /** A post made by hand on the Page (not through the connector). */
  postDirectly(message: string, createdAt = this.now()): FakePost {
    return this.createPost(this.page.id, { message, photoIds: [], createdAt });
  }

  /** Someone comments on a post (or answers a comment when `parentId` is given). */
  comment(
    postId: string,
    message: string,
    from = { id: '700000000000001', name: 'Jo Reader' },
    parentId?: string,
  ): FakeComment {
    if (!this.posts.has(postId)) {
      throw new Error(`fake: no post ${postId}`);
    }
    const id = `${postId.split('_')[1]}_${++this.sequence}`;
    const comment: FakeComment = {
      id,
      postId,
      parentId,
      fromId: from.id,
      fromName: from.name,
      message,
      createdAt: this.now(),
    };
    this.comments.set(id, comment);
    return comment;
  }

  requestsTo(method: string, pathEnd: string): FakeGraphRequest[] {
    return this.requests.filter((request) => request.method === method && request.path.endsWith(pathEnd));
  }

  // --- HTTP --------------------------------------------------------------------------------------------------------

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void this.handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const params = new URLSearchParams(url.searchParams);
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      new URLSearchParams(body).forEach((value, name) => params.set(name, value));
    }
    const request: FakeGraphRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      params,
      authorization: req.headers.authorization,
    };
    this.requests.push(request);
    const index = this.faults.findIndex((pending) => pending.matches(request));
    const fault = index >= 0 ? this.faults.splice(index, 1)[0].fault : undefined;
    let reply: Reply;
    if (fault?.kind === 'throttled') {
      this.throttled += 1;
      reply = errorReply(
        new GraphError(
          400,
          80001,
          'There have been too many calls to this Page account. Wait a bit and try again.',
          'OAuthException',
          undefined,
          this.usageHeaders(100, fault.minutes),
        ),
      );
    } else if (fault?.kind === 'server-error') {
      reply = errorReply(
        new GraphError(500, 2, 'An unexpected error has occurred. Please retry your request later.'),
      );
    } else {
      try {
        reply = await this.route(request);
      } catch (error) {
        reply =
          error instanceof GraphError
            ? errorReply(error)
            : { status: 500, body: `fake: ${(error as Error).stack}` };
      }
    }
    if (fault?.kind === 'lose-answer') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang-after-send') {
      this.held.add(res);
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  private async route(request: FakeGraphRequest): Promise<Reply> {
    const parts = request.path.split('/').filter(Boolean);
    if (parts[0] === 'dialog' || parts[1] === 'dialog') {
      return this.dialog(request, parts);
    }
    const version = parts.shift();
    if (!version || !FAKE_GRAPH_VERSIONS.includes(version)) {
      throw new GraphError(400, 2500, `Unknown path components: /${version ?? ''}`);
    }
    const [node, edge] = parts;
    if (node === 'oauth' && edge === 'access_token') {
      return this.accessToken(request);
    }
    const token = this.authenticate(request);
    if (node === 'me' && edge === 'accounts' && request.method === 'GET') {
      return this.accounts(token, request);
    }
    this.spendBudget(token);
    const usage = this.usageHeaders(this.window.used, 0);
    const reply = await this.graphCall(token, request, node, edge);
    return { ...reply, headers: { ...usage, ...reply.headers } };
  }

  private async graphCall(
    token: FakeToken,
    request: FakeGraphRequest,
    node: string,
    edge?: string,
  ): Promise<Reply> {
    const { method, params } = request;
    if (node === this.page.id || node === this.otherPage.id) {
      this.needPageToken(token, node);
      if (!edge && method === 'GET') {
        this.needScopes(token, ['pages_read_engagement']);
        return ok(
          pick(
            { id: this.page.id, name: this.page.name, about: this.page.about, website: this.page.website },
            params,
          ),
        );
      }
      if (edge === 'feed' && method === 'POST') {
        return ok(this.publishFeed(token, node, params));
      }
      if (edge === 'photos' && method === 'POST') {
        return ok(await this.publishPhoto(token, node, params));
      }
      if (edge === 'posts' && method === 'GET') {
        this.needScopes(token, ['pages_read_engagement']);
        return ok(
          this.list(
            this.pagePosts(node).filter((post) => sinceFilter(post.createdAt, params)),
            params,
            (post) => postJson(post, params),
          ),
        );
      }
      if (edge === 'insights' && method === 'GET') {
        return ok(this.readInsights(token, params));
      }
    }
    const post = this.posts.get(node);
    const comment = this.comments.get(node);
    if (post && !edge && method === 'DELETE') {
      this.needPageToken(token, post.pageId);
      this.needScopes(token, ['pages_manage_posts']);
      this.posts.delete(node);
      return ok({ success: true });
    }
    if ((post || comment) && edge === 'comments' && method === 'GET') {
      this.needScopes(token, ['pages_read_engagement']);
      const all = [...this.comments.values()].filter((candidate) =>
        post
          ? candidate.postId === node && (params.get('filter') === 'stream' || !candidate.parentId)
          : candidate.parentId === node,
      );
      const ordered =
        params.get('order') === 'reverse_chronological'
          ? all.sort(newestFirst)
          : all.sort((a, b) => -newestFirst(a, b));
      return ok(this.list(ordered, params, (entry) => this.commentJson(entry, token)));
    }
    if (comment && edge === 'comments' && method === 'POST') {
      const target = this.posts.get(comment.postId);
      this.needPageToken(token, target?.pageId ?? '');
      this.needScopes(token, ['pages_manage_engagement', 'pages_read_user_content']);
      const message = params.get('message') ?? '';
      if (!message) {
        throw new GraphError(400, 100, '(#100) Missing message or attachment');
      }
      const reply = this.comment(
        comment.postId,
        message,
        { id: token.pageId ?? '', name: this.page.name },
        comment.parentId ?? comment.id,
      );
      return ok({ id: reply.id });
    }
    if (method === 'DELETE' && !edge) {
      throw new GraphError(
        400,
        100,
        `Unsupported delete request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        'GraphMethodException',
        33,
      );
    }
    throw new GraphError(
      400,
      100,
      `Unsupported ${method.toLowerCase()} request. Object with ID '${node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      'GraphMethodException',
      33,
    );
  }

  private publishFeed(token: FakeToken, pageId: string, params: URLSearchParams): { id: string } {
    this.needScopes(token, ['pages_manage_posts', 'pages_read_engagement']);
    const message = params.get('message') ?? '';
    const link = params.get('link') ?? undefined;
    const attached: string[] = [];
    for (let index = 0; params.has(`attached_media[${index}]`); index++) {
      let parsed: { media_fbid?: unknown };
      try {
        parsed = JSON.parse(params.get(`attached_media[${index}]`) ?? '') as { media_fbid?: unknown };
      } catch {
        throw new GraphError(400, 100, `(#100) param attached_media[${index}] must be a JSON object`);
      }
      const photo = this.photos.get(String(parsed.media_fbid));
      if (!photo || photo.pageId !== pageId || photo.published || photo.attachedTo) {
        throw new GraphError(
          400,
          100,
          `(#100) param attached_media[${index}] has an invalid media_fbid: it must be an unpublished, unattached photo of this Page`,
        );
      }
      attached.push(photo.id);
    }
    if (attached.length > MAX_ATTACHED_MEDIA) {
      throw new GraphError(400, 100, `(#100) Too many attached_media (at most ${MAX_ATTACHED_MEDIA})`);
    }
    if (!message && !link && attached.length === 0) {
      throw new GraphError(400, 100, '(#100) Missing message or attachment');
    }
    if (link && !/^https?:\/\/[^\s/]+\.[^\s]+$/.test(link)) {
      throw new GraphError(
        400,
        100,
        '(#100) The link parameter must be a valid URL',
        'OAuthException',
        1609005,
      );
    }
    if (link && attached.length > 0) {
      throw new GraphError(400, 100, '(#100) attached_media cannot be used with link');
    }
    this.refuseLong(message);
    this.refuseDuplicate(pageId, message);
    const post = this.createPost(pageId, { message, link, photoIds: attached, createdAt: this.now() });
    attached.forEach((id) => {
      (this.photos.get(id) as FakePhoto).attachedTo = post.id;
    });
    return { id: post.id };
  }

  private async publishPhoto(
    token: FakeToken,
    pageId: string,
    params: URLSearchParams,
  ): Promise<{ id: string; post_id?: string }> {
    this.needScopes(token, ['pages_manage_posts', 'pages_read_engagement']);
    const url = params.get('url');
    if (!url) {
      throw new GraphError(400, 324, '(#324) Requires upload file');
    }
    if (this.fetchPhotos) {
      await this.fetchPhoto(url);
    }
    const published = params.get('published') !== 'false';
    const photo: FakePhoto = {
      id: String(++this.sequence),
      pageId,
      url,
      altText: params.get('alt_text_custom') ?? undefined,
      published,
    };
    this.photos.set(photo.id, photo);
    if (!published) {
      return { id: photo.id };
    }
    const message = params.get('caption') ?? '';
    this.refuseLong(message);
    this.refuseDuplicate(pageId, message);
    const post = this.createPost(pageId, { message, photoIds: [photo.id], createdAt: this.now() });
    photo.attachedTo = post.id;
    return { id: photo.id, post_id: post.id };
  }

  private async fetchPhoto(url: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    } catch {
      throw new GraphError(400, 324, '(#324) Missing or invalid image file: the url could not be fetched');
    }
    const type = response.headers.get('content-type') ?? '';
    await response.arrayBuffer();
    if (response.status !== 200 || !type.startsWith('image/')) {
      throw new GraphError(
        400,
        324,
        `(#324) Missing or invalid image file (the url answered ${response.status} ${type})`,
      );
    }
  }

  /** A post's text is at most 63,206 characters. */
  private refuseLong(message: string): void {
    // Counted with the SDK's linear counter: Intl.Segmenter takes over a minute on 63,206 plain letters.
    if (countGraphemes(message, MAX_MESSAGE_CHARACTERS) > MAX_MESSAGE_CHARACTERS) {
      throw new GraphError(
        400,
        100,
        `(#100) The message is too long: at most ${MAX_MESSAGE_CHARACTERS} characters`,
      );
    }
  }

  /** 506: Facebook refuses a post whose message repeats the Page's latest post. */
  private refuseDuplicate(pageId: string, message: string): void {
    const [latest] = this.pagePosts(pageId);
    if (message && latest && latest.message === message) {
      throw new GraphError(400, 506, '(#506) Duplicate status message');
    }
  }

  private readInsights(token: FakeToken, params: URLSearchParams): unknown {
    this.needScopes(token, ['read_insights', 'pages_read_engagement']);
    const metrics = (params.get('metric') ?? '').split(',').filter(Boolean);
    if (metrics.length === 0) {
      throw new GraphError(400, 100, '(#100) The parameter metric is required');
    }
    for (const metric of metrics) {
      if (DEPRECATED_METRICS.has(metric) || !CURRENT_METRICS.has(metric)) {
        throw new GraphError(400, 100, '(#100) The value must be a valid insights metric');
      }
    }
    const period = params.get('period') ?? 'day';
    const until = Number(params.get('until') ?? Math.floor(this.now().getTime() / 1000));
    return {
      data: metrics.map((name) => ({
        name,
        period,
        values: [{ value: this.insights[name] ?? 0, end_time: graphTime(new Date(until * 1000)) }],
        title: name,
        id: `${this.page.id}/insights/${name}/${period}`,
      })),
      paging: {},
    };
  }

  // --- OAuth -------------------------------------------------------------------------------------------------------

  /** The consent dialog, accepted at once (a person clicking "Continue"): redirects with a code and the state. */
  private dialog(request: FakeGraphRequest, parts: string[]): Reply {
    const redirectUri = request.params.get('redirect_uri') ?? '';
    if (request.params.get('client_id') !== this.appId || !redirectUri) {
      return {
        status: 400,
        body: { error: { message: 'Invalid App ID or redirect_uri', type: 'OAuthException', code: 191 } },
      };
    }
    void parts;
    const scopes = (request.params.get('scope') ?? '').split(',').filter(Boolean);
    const location = new URL(redirectUri);
    location.searchParams.set('code', this.authorize(redirectUri, scopes));
    location.searchParams.set('state', request.params.get('state') ?? '');
    return { status: 302, body: {}, headers: { location: location.toString() } };
  }

  private accessToken(request: FakeGraphRequest): Reply {
    const { params } = request;
    if (params.get('client_id') !== this.appId || params.get('client_secret') !== this.appSecret) {
      throw new GraphError(400, 1, 'Error validating client secret.');
    }
    if (params.get('grant_type') === 'fb_exchange_token') {
      this.tokenRequests.exchange += 1;
      const short = this.tokens.get(params.get('fb_exchange_token') ?? '');
      if (
        !short ||
        short.kind === 'page' ||
        short.invalid ||
        (short.expiresAt && short.expiresAt <= this.now())
      ) {
        throw new GraphError(
          400,
          190,
          'Error validating access token: the token to exchange is invalid or expired.',
          'OAuthException',
          463,
        );
      }
      const expiresIn = 60 * 86_400;
      const token = this.mint({
        kind: 'user-long',
        userId: short.userId,
        scopes: short.scopes,
        expiresAt: new Date(this.now().getTime() + expiresIn * 1000),
      });
      return ok({ access_token: token, token_type: 'bearer', expires_in: expiresIn });
    }
    this.tokenRequests.code += 1;
    const code = this.codes.get(params.get('code') ?? '');
    if (!code || code.expiresAt < this.now().getTime()) {
      throw new GraphError(400, 100, 'Invalid verification code format.', 'OAuthException', 36007);
    }
    if (code.used) {
      throw new GraphError(400, 100, 'This authorization code has been used.', 'OAuthException', 36009);
    }
    if (params.get('redirect_uri') !== code.redirectUri) {
      throw new GraphError(
        400,
        100,
        'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
        'OAuthException',
        36008,
      );
    }
    code.used = true;
    const expiresIn = 2 * 3600;
    const token = this.mint({
      kind: 'user-short',
      userId: this.userId,
      scopes: code.scopes,
      expiresAt: new Date(this.now().getTime() + expiresIn * 1000),
    });
    return ok({ access_token: token, token_type: 'bearer', expires_in: expiresIn });
  }

  private accounts(token: FakeToken, request: FakeGraphRequest): Reply {
    if (token.kind === 'page') {
      throw new GraphError(
        400,
        100,
        '(#100) Tried accessing nonexisting field (accounts) on node type (Page)',
      );
    }
    this.needScopes(token, ['pages_show_list']);
    const fields = (request.params.get('fields') ?? 'id,name').split(',');
    const pages = this.managedPages.map((page) => {
      const entry: Record<string, unknown> = { id: page.id, name: page.name };
      if (fields.includes('access_token')) {
        // Derived from a long-lived user token: no expiry. From a short-lived one: it expires with it (about an hour).
        entry.access_token = this.mint({
          kind: 'page',
          userId: token.userId,
          pageId: page.id,
          scopes: token.scopes,
          expiresAt: token.kind === 'user-short' ? token.expiresAt : undefined,
        });
      }
      if (fields.includes('tasks')) {
        entry.tasks = ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'];
      }
      return entry;
    });
    return ok(this.list(pages, request.params, (page) => page));
  }

  private authenticate(request: FakeGraphRequest): FakeToken {
    const bearer = /^(?:Bearer|OAuth) (\S+)$/i.exec(request.authorization ?? '')?.[1];
    const value = bearer ?? request.params.get('access_token') ?? '';
    const token = this.tokens.get(value);
    if (!value) {
      throw new GraphError(
        400,
        2500,
        'An active access token must be used to query information about the current user.',
      );
    }
    if (!token) {
      throw new GraphError(
        400,
        190,
        'Invalid OAuth access token - Cannot parse access token',
        'OAuthException',
        undefined,
        { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' },
      );
    }
    if (token.invalid) {
      throw new GraphError(400, 190, token.invalid.message, 'OAuthException', token.invalid.subcode, {
        'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${token.invalid.message}"`,
      });
    }
    if (token.expiresAt && token.expiresAt <= this.now()) {
      throw new GraphError(
        400,
        190,
        `Error validating access token: Session has expired on ${token.expiresAt.toUTCString()}.`,
        'OAuthException',
        463,
      );
    }
    const proof = request.params.get('appsecret_proof');
    const expected = createHmac('sha256', this.appSecret).update(value).digest('hex');
    if (proof ? proof !== expected : this.requireProof) {
      throw new GraphError(
        400,
        100,
        proof
          ? 'Invalid appsecret_proof provided in the API argument'
          : 'API calls from the server require an appsecret_proof argument',
        'GraphMethodException',
      );
    }
    return token;
  }

  private needPageToken(token: FakeToken, pageId: string): void {
    if (token.kind !== 'page') {
      throw new GraphError(
        403,
        200,
        '(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission',
      );
    }
    if (token.pageId !== pageId) {
      throw new GraphError(403, 10, '(#10) The Page access token does not belong to this Page');
    }
  }

  private needScopes(token: FakeToken, scopes: string[]): void {
    const missing = scopes.filter((scope) => !token.scopes.has(scope));
    if (missing.length > 0) {
      throw new GraphError(
        403,
        200,
        `(#200) Requires ${missing.join(' and ')} permission to manage the object`,
      );
    }
  }

  private spendBudget(token: FakeToken): void {
    if (!this.budget || token.kind !== 'page') {
      return;
    }
    const now = this.now().getTime();
    if (now - this.window.start >= this.budget.windowMs) {
      this.window = { start: now, used: 0 };
    }
    if (this.window.used >= this.budget.limit) {
      this.throttled += 1;
      const minutes = Math.max(0, Math.floor((this.window.start + this.budget.windowMs - now) / 60_000));
      throw new GraphError(
        400,
        80001,
        'There have been too many calls to this Page account. Wait a bit and try again.',
        'OAuthException',
        undefined,
        this.usageHeaders(100, minutes),
      );
    }
    this.window.used += 1;
  }

  /** X-Business-Use-Case-Usage as Graph sends it with Page tokens: percentages and the minutes until access returns. */
  private usageHeaders(used: number, minutes: number): Record<string, string> {
    const percent = this.budget ? Math.min(100, Math.round((used / this.budget.limit) * 100)) : 0;
    return {
      'x-business-use-case-usage': JSON.stringify({
        [this.page.id]: [
          {
            type: 'pages',
            call_count: Math.max(percent, used >= 100 ? 100 : 0),
            total_cputime: 1,
            total_time: 1,
            estimated_time_to_regain_access: minutes,
          },
        ],
      }),
    };
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  private mint(token: FakeToken): string {
    const value = `EAAG${randomBytes(18).toString('hex')}`;
    this.tokens.set(value, token);
    return value;
  }

  private createPost(pageId: string, fields: Omit<FakePost, 'id' | 'pageId'>): FakePost {
    const post: FakePost = { id: `${pageId}_${++this.sequence}`, pageId, ...fields };
    this.posts.set(post.id, post);
    this.postsCreated += 1;
    return post;
  }

  private commentJson(comment: FakeComment, token: FakeToken): Record<string, unknown> {
    return {
      id: comment.id,
      message: comment.message,
      created_time: graphTime(comment.createdAt),
      // Who wrote a comment is only shown with pages_read_user_content.
      ...(token.scopes.has('pages_read_user_content')
        ? { from: { id: comment.fromId, name: comment.fromName } }
        : {}),
      ...(comment.parentId ? { parent: { id: comment.parentId } } : {}),
      permalink_url: `https://www.facebook.com/${comment.postId}?comment_id=${comment.id}`,
    };
  }

  /** Graph's cursor paging: `limit` (default 25), `after` an opaque cursor, `paging.next` while more remain. */
  private list<T>(items: T[], params: URLSearchParams, render: (item: T) => unknown): unknown {
    const limit = Math.min(Number(params.get('limit') ?? 25) || 25, 100);
    const start = params.get('after')
      ? Number(Buffer.from(params.get('after') as string, 'base64url').toString())
      : 0;
    const slice = items.slice(start, start + limit);
    const cursor = (index: number) => Buffer.from(String(index)).toString('base64url');
    const more = start + limit < items.length;
    return {
      data: slice.map(render),
      paging:
        slice.length === 0
          ? {}
          : {
              cursors: { before: cursor(start), after: cursor(start + slice.length) },
              ...(more ? { next: `${this.baseUrl}/next?after=${cursor(start + slice.length)}` } : {}),
            },
    };
  }
}

export const ALL_SCOPES = [
  'pages_manage_posts',
  'pages_read_engagement',
  'pages_read_user_content',
  'pages_manage_engagement',
  'pages_show_list',
  'read_insights',
];

function ok(body: unknown): Reply {
  return { status: 200, body };
}

function errorReply(error: GraphError): Reply {
  return {
    status: error.status,
    headers: error.headers,
    body: {
      error: {
        message: error.message,
        type: error.type,
        code: error.code,
        ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
        fbtrace_id: `A${randomBytes(10).toString('base64url')}`,
      },
    },
  };
}

/** "2026-12-07T16:50:25+0000": whole seconds, offset without a colon, as Graph writes times. */
export function graphTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+0000`;
}

function newestFirst(a: { createdAt: Date; id: string }, b: { createdAt: Date; id: string }): number {
  return (
    b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id, undefined, { numeric: true })
  );
}

function sinceFilter(createdAt: Date, params: URLSearchParams): boolean {
  const since = params.get('since');
  return !since || createdAt.getTime() >= Number(since) * 1000;
}

function postJson(post: FakePost, params: URLSearchParams): Record<string, unknown> {
  return pick(
    {
      id: post.id,
      message: post.message || undefined,
      created_time: graphTime(post.createdAt),
      permalink_url: `https://www.facebook.com/${post.id}`,
    },
    params,
  );
}

/** Only the fields asked for (Graph's `fields`), always with the id. */
function pick(object: Record<string, unknown>, params: URLSearchParams): Record<string, unknown> {
  const fields = (params.get('fields') ?? 'id').split(',').map((field) => field.replace(/\{.*$/, ''));
  return Object.fromEntries(
    Object.entries(object).filter(
      ([name, value]) => value !== undefined && (name === 'id' || fields.includes(name)),
    ),
  );
}
