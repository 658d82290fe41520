import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A contract fake of LinkedIn's versioned REST API and OAuth endpoints, written from LinkedIn's documentation:
 * - Posts API: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api
 *   (POST /rest/posts → 201 with the id in `x-restli-id`; GET ?q=author; DELETE; commentary ≤ 3,000 characters;
 *   content: media, multiImage (2–20), article with source and title)
 * - Images API: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api
 *   (POST /rest/images?action=initializeUpload → value.uploadUrl, value.image; PUT of the bytes)
 * - Comments API: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/comments-api
 *   (GET/POST /rest/socialActions/{urn}/comments, start/count paging with a total)
 * - Little text format: https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format
 * - Organization share statistics and follower count (networkSizes):
 *   https://learn.microsoft.com/en-us/linkedin/marketing/community-management/organizations/share-statistics
 * - Organization access control: .../community-management/organizations/organization-access-control-by-role
 * - Versioning: every /rest call needs `LinkedIn-Version: YYYYMM` (missing: 400 VERSION_MISSING; not active: 426
 *   NONEXISTENT_VERSION) and `X-Restli-Protocol-Version: 2.0.0`
 *   (https://learn.microsoft.com/en-us/linkedin/marketing/versioning)
 * - Errors: https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/error-handling; 422 DUPLICATE_POST
 *   names the existing post ("Content is a duplicate of urn:li:share:…") as LinkedIn's answers show.
 * - Rate limits: https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/rate-limits (per day, reset at
 *   midnight UTC, 429 without a reset header)
 * - OAuth: https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow (the consent
 *   page GET /oauth/v2/authorization, here accepted at once with a 302 to redirect_uri?code&state) and
 *   .../programmatic-refresh-tokens (60-day access token, 365-day refresh token whose lifetime does not restart);
 *   OpenID Connect userinfo: https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
 */

export const ACTIVE_VERSIONS = [
  '202511',
  '202512',
  '202601',
  '202602',
  '202603',
  '202604',
  '202605',
  '202606',
  '202607',
  '202608',
  '202609',
  '202610',
  '202611',
  '202612',
];
const ACCESS_TTL_S = 60 * 24 * 3600;
const REFRESH_TTL_S = 365 * 24 * 3600;

interface Grant {
  scopes: string[];
  refreshToken?: string;
  refreshExpiresAt: number;
  revoked: boolean;
}

interface AccessToken {
  grant: Grant;
  expiresAt: number;
}

export interface FakePost {
  id: string;
  author: string;
  commentary: string;
  visibility: string;
  content?: Record<string, unknown>;
  createdAt: number;
}

export interface FakeComment {
  id: string;
  $URN: string;
  actor: string;
  object: string;
  parentComment?: string;
  message: { text: string };
  created: { time: number };
}

export interface FakeFault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Matcher = (method: string, path: string) => boolean;
const CREATES: Matcher = (method, path) =>
  method === 'POST' && (path === '/rest/posts' || path.endsWith('/comments'));

export interface LinkedInFakeOptions {
  clientId?: string;
  clientSecret?: string;
  memberId?: string;
  organizationId?: string;
  /** Posts a member may create per UTC day (the fake's stand-in for the unpublished per-member daily limit). */
  dailyPostLimit?: number;
  /** Whether the app is approved for programmatic refresh tokens (default true). */
  refreshTokens?: boolean;
}

export class LinkedInApiFake {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly memberUrn: string;
  readonly organizationUrn: string;
  private readonly memberId: string;
  private server?: Server;
  private nextId = 7_100_000_000_000_000_000n;
  private readonly codes = new Map<string, string[]>();
  private readonly tokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly stored: FakePost[] = [];
  private readonly commentsByPost = new Map<string, FakeComment[]>();
  private readonly images = new Map<string, { owner: string; bytes?: number }>();
  private readonly faults: Array<{ match: Matcher; fault: FakeFault | 'lose-answer' | 'hang' }> = [];
  private readonly postsToday = new Map<string, number>();
  private shareStatistics: Record<string, number> = {};
  followers = 1234;
  /** The Page's profile as GET /rest/organizations/{id} answers it (localized fields). */
  page: Record<string, unknown> = {
    localizedName: 'Acme Roasters',
    localizedDescription: 'Coffee roasted in small batches.',
    localizedWebsite: 'https://acme.example',
    vanityName: 'acme-roasters',
  };

  /** Counters the tests assert on. */
  readonly counts = {
    duplicateRefusals: 0,
    tokenRequests: 0,
    refreshes: 0,
    postCreates: 0,
    commentCreates: 0,
    uploads: 0,
    requests: 0,
  };
  /** Every request's method, path and LinkedIn-Version header. */
  readonly requests: Array<{ method: string; path: string; version?: string }> = [];

  constructor(private readonly options: LinkedInFakeOptions = {}) {
    this.clientId = options.clientId ?? 'fake-client-id';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.memberId = options.memberId ?? 'aBcD3fG';
    this.memberUrn = `urn:li:person:${this.memberId}`;
    this.organizationUrn = `urn:li:organization:${options.organizationId ?? '2414183'}`;
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

  /** A code the consent page would hand back, for these scopes (the host exchanges it at the token endpoint). */
  authorizationCode(scopes: string[]): string {
    const code = `code-${this.codes.size + 1}-${Math.random().toString(36).slice(2)}`;
    this.codes.set(code, scopes);
    return code;
  }

  /** Tokens as a code exchange gives them, without the HTTP round trip (for tests that start connected). */
  grant(scopes: string[]): { accessToken: string; refreshToken?: string; expiresAt: Date } {
    const answer = this.issue(this.newGrant(scopes));
    return {
      accessToken: answer.access_token as string,
      refreshToken: answer.refresh_token as string | undefined,
      expiresAt: new Date(Date.now() + ACCESS_TTL_S * 1000),
    };
  }

  /** Every access token expires now (LinkedIn answers 401 EXPIRED_ACCESS_TOKEN); refresh tokens still work. */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) {
      token.expiresAt = Date.now() - 1;
    }
  }

  /** The member revokes the app: access and refresh tokens stop working. */
  revoke(): void {
    for (const token of this.tokens.values()) {
      token.grant.revoked = true;
    }
  }

  /** The next matching request (default: a create) gets this answer and changes nothing. */
  failNext(fault: FakeFault, match: Matcher = CREATES): void {
    this.faults.push({ match, fault });
  }

  /** The next matching create is carried out, then the connection drops before the answer (a crash or timeout). */
  loseNextAnswer(match: Matcher = CREATES): void {
    this.faults.push({ match, fault: 'lose-answer' });
  }

  /** The next matching request is read and never answered (nothing is created). */
  hangNext(match: Matcher = CREATES): void {
    this.faults.push({ match, fault: 'hang' });
  }

  /** Faults injected but not yet met by a request: not zero after a run means a fault never fired. */
  pendingFaults(): number {
    return this.faults.length;
  }

  setShareStatistics(stats: Record<string, number>): void {
    this.shareStatistics = stats;
  }

  posts(): FakePost[] {
    return [...this.stored];
  }

  /** How many posts carry this commentary (escapes removed): a duplicate shows as 2. */
  postsWithText(text: string): number {
    return this.stored.filter((post) => unescape(post.commentary).includes(text)).length;
  }

  comments(postUrn: string): FakeComment[] {
    return [...(this.commentsByPost.get(postUrn) ?? [])];
  }

  /** A post made outside Metronome (in LinkedIn's own composer). */
  seedPost(author: string, commentary: string): FakePost {
    return this.createPost({ author, commentary, visibility: 'PUBLIC' });
  }

  /** Someone comments on a post. */
  addComment(postUrn: string, actor: string, text: string, parentComment?: string): FakeComment {
    const id = this.id();
    const comment: FakeComment = {
      id,
      $URN: `urn:li:comment:(${postUrn},${id})`,
      actor,
      object: postUrn,
      parentComment,
      message: { text },
      created: { time: Date.now() },
    };
    this.commentsByPost.set(postUrn, [...(this.commentsByPost.get(postUrn) ?? []), comment]);
    return comment;
  }

  // ---- the API -------------------------------------------------------------------------------------------------

  private answer(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const version = header(req, 'linkedin-version');
    this.counts.requests += 1;
    this.requests.push({ method, path, version });
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(
        status,
        body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      );
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
      send(status, { status, code, message, ...extra });

    if (path === '/oauth/v2/authorization' && method === 'GET') {
      this.consent(url.searchParams, res);
      return;
    }
    if (path === '/oauth/v2/accessToken' && method === 'POST') {
      this.token(new URLSearchParams(raw.toString('utf8')), send);
      return;
    }
    if (path.startsWith('/upload/') && method === 'PUT') {
      const image = this.images.get(`urn:li:image:${path.slice('/upload/'.length)}`);
      if (!image || !this.bearer(req)) {
        error(image ? 401 : 404, image ? 'INVALID_ACCESS_TOKEN' : 'NOT_FOUND', 'upload refused');
        return;
      }
      image.bytes = raw.length;
      this.counts.uploads += 1;
      send(201);
      return;
    }
    const token = this.bearer(req);
    if (!token || token.grant.revoked || token.expiresAt < Date.now()) {
      const [code, message] = !token
        ? ['INVALID_ACCESS_TOKEN', 'Invalid access token']
        : token.grant.revoked
          ? ['REVOKED_ACCESS_TOKEN', 'The token used in the request has been revoked by the user']
          : ['EXPIRED_ACCESS_TOKEN', 'The token used in the request has expired'];
      error(401, code, message, { serviceErrorCode: 65600 + (token ? (token.grant.revoked ? 1 : 2) : 0) });
      return;
    }
    const scopes = token.grant.scopes;
    const denied = () =>
      error(403, 'ACCESS_DENIED', `Not enough permissions to access: ${method} ${path}`, {
        serviceErrorCode: 100,
      });

    if (path === '/v2/userinfo') {
      if (!scopes.includes('openid')) {
        denied();
        return;
      }
      send(200, {
        sub: this.memberId,
        name: 'Ada Roaster',
        email_verified: true,
        locale: { country: 'GB', language: 'en' },
      });
      return;
    }
    if (!path.startsWith('/rest/')) {
      error(404, 'NOT_FOUND', `No resource at ${path}`);
      return;
    }
    if (!version) {
      error(
        400,
        'VERSION_MISSING',
        'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
      );
      return;
    }
    if (!ACTIVE_VERSIONS.includes(version)) {
      error(426, 'NONEXISTENT_VERSION', `Requested version ${version} is not active`);
      return;
    }
    if (header(req, 'x-restli-protocol-version') !== '2.0.0') {
      error(400, 'INVALID_PROTOCOL_VERSION', 'X-Restli-Protocol-Version: 2.0.0 is required');
      return;
    }
    const faultAt = this.faults.findIndex((entry) => entry.match(method, path));
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0].fault : undefined;
    if (fault === 'hang') {
      return;
    }
    if (fault && fault !== 'lose-answer') {
      send(
        fault.status,
        fault.body ?? { status: fault.status, message: `injected ${fault.status}` },
        fault.headers,
      );
      return;
    }
    const reply =
      fault === 'lose-answer'
        ? (): void => {
            req.socket.destroy();
          }
        : send;
    let body: Record<string, unknown> = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        error(400, 'INVALID_JSON', 'The request body is not JSON');
        return;
      }
    }
    this.rest(method, path, url.searchParams, body, scopes, reply, error, denied);
  }

  private rest(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
    scopes: string[],
    send: (status: number, body?: unknown, headers?: Record<string, string>) => void,
    error: (status: number, code: string, message: string, extra?: Record<string, unknown>) => void,
    denied: () => void,
  ): void {
    const writeScope = (author: string) =>
      author.startsWith('urn:li:organization:') ? 'w_organization_social' : 'w_member_social';
    const readScope = (author: string) =>
      author.startsWith('urn:li:organization:') ? 'r_organization_social' : 'r_member_social';
    const mayActAs = (author: string) => author === this.memberUrn || author === this.organizationUrn;

    if (path === '/rest/organizationAcls' && method === 'GET' && query.get('q') === 'roleAssignee') {
      if (!scopes.includes('rw_organization_admin')) {
        denied();
        return;
      }
      send(200, {
        elements: [
          {
            organization: this.organizationUrn,
            role: 'ADMINISTRATOR',
            state: 'APPROVED',
            roleAssignee: this.memberUrn,
          },
        ],
        paging: { start: 0, count: 10, total: 1 },
      });
      return;
    }
    if (path === '/rest/images' && method === 'POST' && query.get('action') === 'initializeUpload') {
      const owner = (body.initializeUploadRequest as { owner?: unknown } | undefined)?.owner;
      if (typeof owner !== 'string' || !mayActAs(owner)) {
        error(
          400,
          'INVALID_OWNER',
          `initializeUploadRequest.owner must be the member or a Page they administer`,
        );
        return;
      }
      if (!scopes.includes(writeScope(owner))) {
        denied();
        return;
      }
      const id = this.id();
      this.images.set(`urn:li:image:${id}`, { owner });
      send(200, {
        value: {
          uploadUrlExpiresAt: Date.now() + 3_600_000,
          uploadUrl: `${this.baseUrl}/upload/${id}`,
          image: `urn:li:image:${id}`,
        },
      });
      return;
    }
    if (path === '/rest/posts' && method === 'POST') {
      const author = body.author;
      if (typeof author !== 'string' || !/^urn:li:(person|organization):/.test(author)) {
        error(422, 'FIELD_VALUE_INVALID', '/author: a person or organization URN is required');
        return;
      }
      if (!scopes.includes(writeScope(author))) {
        denied();
        return;
      }
      if (!mayActAs(author)) {
        denied();
        return;
      }
      const problem = this.postProblem(body);
      if (problem) {
        error(422, 'FIELD_VALUE_INVALID', problem, {
          errorDetails: { inputErrors: [{ code: 'FIELD_VALUE_INVALID', description: problem }] },
        });
        return;
      }
      const day = `${author}:${new Date().toISOString().slice(0, 10)}`;
      if ((this.postsToday.get(day) ?? 0) >= (this.options.dailyPostLimit ?? Number.POSITIVE_INFINITY)) {
        error(
          429,
          'TOO_MANY_REQUESTS',
          'Resource level throttle MEMBER DAY limit for calls to this resource is reached.',
          {
            serviceErrorCode: 101,
          },
        );
        return;
      }
      const duplicate = this.stored.find(
        (post) =>
          post.author === author &&
          post.commentary === body.commentary &&
          JSON.stringify(post.content) === JSON.stringify(body.content),
      );
      if (duplicate) {
        this.counts.duplicateRefusals += 1;
        error(
          422,
          'DUPLICATE_POST',
          `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${duplicate.id}`,
          {
            errorDetailType: 'com.linkedin.common.error.BadRequest',
            errorDetails: {
              inputErrors: [{ description: 'Duplicate post is detected', input: {}, code: 'DUPLICATE_POST' }],
            },
          },
        );
        return;
      }
      this.postsToday.set(day, (this.postsToday.get(day) ?? 0) + 1);
      const post = this.createPost({
        author,
        commentary: body.commentary as string,
        visibility: body.visibility as string,
        content: body.content as Record<string, unknown> | undefined,
      });
      this.counts.postCreates += 1;
      send(201, undefined, { 'x-restli-id': post.id, 'x-linkedin-id': post.id });
      return;
    }
    if (path === '/rest/posts' && method === 'GET' && query.get('q') === 'author') {
      const author = query.get('author') ?? '';
      if (!scopes.includes(readScope(author))) {
        denied();
        return;
      }
      const start = Number(query.get('start') ?? 0);
      const count = Math.min(Number(query.get('count') ?? 10), 100);
      const mine = this.stored.filter((post) => post.author === author).reverse();
      send(200, {
        elements: mine
          .slice(start, start + count)
          .map((post) => ({ ...post, lifecycleState: 'PUBLISHED', publishedAt: post.createdAt })),
        paging: { start, count, total: mine.length },
      });
      return;
    }
    const postPath = /^\/rest\/posts\/(urn:li:(?:share|ugcPost):\d+)$/.exec(path);
    if (postPath) {
      const post = this.stored.find((candidate) => candidate.id === postPath[1]);
      if (method === 'DELETE') {
        if (post && !scopes.includes(writeScope(post.author))) {
          denied();
          return;
        }
        if (!post) {
          error(404, 'NOT_FOUND', `Post ${postPath[1]} does not exist`);
          return;
        }
        this.stored.splice(this.stored.indexOf(post), 1);
        send(204);
        return;
      }
      if (method === 'GET') {
        if (!post) {
          error(404, 'NOT_FOUND', `Post ${postPath[1]} does not exist`);
          return;
        }
        send(200, post);
        return;
      }
    }
    const comments =
      /^\/rest\/socialActions\/(urn:li:(?:share|ugcPost):\d+|urn:li:comment:\((urn:li:(?:share|ugcPost):\d+),\d+\))\/comments$/.exec(
        path,
      );
    if (comments) {
      const postUrn = comments[2] ?? comments[1];
      const post = this.stored.find((candidate) => candidate.id === postUrn);
      if (!post) {
        error(404, 'NOT_FOUND', `Entity ${postUrn} does not exist`);
        return;
      }
      if (method === 'GET') {
        if (!scopes.includes(readScope(post.author))) {
          denied();
          return;
        }
        const all = (this.commentsByPost.get(postUrn) ?? []).filter(
          (comment) => !comments[2] || comment.parentComment === comments[1],
        );
        const start = Number(query.get('start') ?? 0);
        const count = Math.min(Number(query.get('count') ?? 10), 100);
        send(200, { elements: all.slice(start, start + count), paging: { start, count, total: all.length } });
        return;
      }
      if (method === 'POST') {
        const actor = body.actor;
        const text = (body.message as { text?: unknown } | undefined)?.text;
        if (
          typeof actor !== 'string' ||
          !mayActAs(actor) ||
          body.object !== postUrn ||
          typeof text !== 'string' ||
          text === ''
        ) {
          error(
            422,
            'FIELD_VALUE_INVALID',
            'actor (the member or their Page), object (the post) and message.text are required',
          );
          return;
        }
        if (!scopes.includes(writeScope(actor))) {
          denied();
          return;
        }
        const parent = typeof body.parentComment === 'string' ? body.parentComment : undefined;
        const comment = this.addComment(postUrn, actor, text, parent);
        this.counts.commentCreates += 1;
        send(201, comment, { 'x-restli-id': comment.id });
        return;
      }
    }
    const organization = /^\/rest\/organizations\/(\d+)$/.exec(path);
    if (organization && method === 'GET') {
      if (`urn:li:organization:${organization[1]}` !== this.organizationUrn) {
        error(404, 'NOT_FOUND', `Organization ${organization[1]} does not exist`);
        return;
      }
      if (!scopes.includes('rw_organization_admin')) {
        denied();
        return;
      }
      send(200, { id: Number(organization[1]), ...this.page });
      return;
    }
    const network = /^\/rest\/networkSizes\/(urn:li:organization:\d+)$/.exec(path);
    if (network && method === 'GET') {
      if (query.get('edgeType') !== 'COMPANY_FOLLOWED_BY_MEMBER') {
        error(400, 'INVALID_PARAM', 'edgeType must be COMPANY_FOLLOWED_BY_MEMBER for an organization');
        return;
      }
      if (!scopes.includes('rw_organization_admin') && !scopes.includes('r_organization_social')) {
        denied();
        return;
      }
      send(200, { firstDegreeSize: this.followers });
      return;
    }
    if (path === '/rest/organizationalEntityShareStatistics' && method === 'GET') {
      if (!scopes.includes('rw_organization_admin')) {
        denied();
        return;
      }
      if (
        query.get('q') !== 'organizationalEntity' ||
        query.get('organizationalEntity') !== this.organizationUrn
      ) {
        error(
          400,
          'INVALID_PARAM',
          'q=organizationalEntity and an administered organizationalEntity are required',
        );
        return;
      }
      const range = /^\(timeRange:\(start:(\d+),end:(\d+)\),timeGranularityType:DAY\)$/.exec(
        query.get('timeIntervals') ?? '',
      );
      if (!range) {
        error(
          400,
          'INVALID_PARAM',
          'timeIntervals must be (timeRange:(start:<ms>,end:<ms>),timeGranularityType:DAY)',
        );
        return;
      }
      send(200, {
        elements: [
          {
            organizationalEntity: this.organizationUrn,
            timeRange: { start: Number(range[1]), end: Number(range[2]) },
            totalShareStatistics: this.shareStatistics,
          },
        ],
        paging: { start: 0, count: 10, total: 1 },
      });
      return;
    }
    error(404, 'NOT_FOUND', `No resource for ${method} ${path}`);
  }

  private postProblem(body: Record<string, unknown>): string | undefined {
    const commentary = body.commentary;
    if (typeof commentary !== 'string') {
      return '/commentary: a string is required';
    }
    if ([...unescape(commentary)].length > 3000) {
      return '/commentary: longer than 3000 characters';
    }
    if (!['PUBLIC', 'CONNECTIONS', 'LOGGED_IN'].includes(body.visibility as string)) {
      return '/visibility: PUBLIC, CONNECTIONS or LOGGED_IN';
    }
    if ((body.distribution as { feedDistribution?: unknown } | undefined)?.feedDistribution === undefined) {
      return '/distribution/feedDistribution is required';
    }
    if (body.lifecycleState !== 'PUBLISHED') {
      return '/lifecycleState must be PUBLISHED';
    }
    const content = body.content as Record<string, Record<string, unknown>> | undefined;
    if (!content) {
      return undefined;
    }
    const imageProblem = (id: unknown) => {
      const image = typeof id === 'string' ? this.images.get(id) : undefined;
      if (!image || image.bytes === undefined) {
        return `/content: ${String(id)} is not an uploaded image`;
      }
      return image.owner === body.author ? undefined : `/content: ${String(id)} belongs to another owner`;
    };
    if (content.media) {
      return imageProblem(content.media.id);
    }
    if (content.multiImage) {
      const images = (content.multiImage.images ?? []) as Array<{ id?: unknown }>;
      if (images.length < 2 || images.length > 20) {
        return '/content/multiImage/images: 2 to 20 images';
      }
      return images.map((image) => imageProblem(image.id)).find(Boolean);
    }
    if (content.article) {
      return typeof content.article.source === 'string' && typeof content.article.title === 'string'
        ? undefined
        : '/content/article: source and title are required';
    }
    return '/content: media, multiImage or article';
  }

  private createPost(post: Omit<FakePost, 'id' | 'createdAt'>): FakePost {
    const stored: FakePost = { ...post, id: `urn:li:share:${this.id()}`, createdAt: Date.now() };
    this.stored.push(stored);
    return stored;
  }

  /**
   * The consent page (GET /oauth/v2/authorization), accepted at once as a member clicking "Allow": a 302 to
   * `redirect_uri` with `code` and `state`, for the space-separated `scope`. A wrong client_id or a missing
   * redirect_uri is a 400 page, as LinkedIn shows an error instead of redirecting.
   */
  private consent(query: URLSearchParams, res: ServerResponse): void {
    const redirectUri = query.get('redirect_uri');
    if (query.get('response_type') !== 'code' || query.get('client_id') !== this.clientId || !redirectUri) {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('invalid client_id, response_type or redirect_uri');
      return;
    }
    const location = new URL(redirectUri);
    location.searchParams.set(
      'code',
      this.authorizationCode((query.get('scope') ?? '').split(' ').filter(Boolean)),
    );
    location.searchParams.set('state', query.get('state') ?? '');
    res.writeHead(302, { location: location.toString() }).end();
  }

  private token(form: URLSearchParams, send: (status: number, body?: unknown) => void): void {
    this.counts.tokenRequests += 1;
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      send(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
      return;
    }
    const invalid = () =>
      send(400, {
        error: 'invalid_grant',
        error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked',
      });
    if (form.get('grant_type') === 'authorization_code') {
      const scopes = this.codes.get(form.get('code') ?? '');
      if (!scopes || !form.get('redirect_uri')) {
        invalid();
        return;
      }
      this.codes.delete(form.get('code') ?? '');
      send(200, this.issue(this.newGrant(scopes)));
      return;
    }
    if (form.get('grant_type') === 'refresh_token') {
      const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!grant || grant.revoked || grant.refreshExpiresAt < Date.now()) {
        invalid();
        return;
      }
      this.counts.refreshes += 1;
      send(200, this.issue(grant));
      return;
    }
    send(400, {
      error: 'unsupported_grant_type',
      error_description: 'grant_type must be authorization_code or refresh_token',
    });
  }

  private newGrant(scopes: string[]): Grant {
    const grant: Grant = { scopes, revoked: false, refreshExpiresAt: Date.now() + REFRESH_TTL_S * 1000 };
    if (this.options.refreshTokens !== false) {
      grant.refreshToken = `rt-${Math.random().toString(36).slice(2)}`;
      this.refreshTokens.set(grant.refreshToken, grant);
    }
    return grant;
  }

  private issue(grant: Grant): Record<string, unknown> {
    const accessToken = `at-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    this.tokens.set(accessToken, { grant, expiresAt: Date.now() + ACCESS_TTL_S * 1000 });
    return {
      access_token: accessToken,
      expires_in: ACCESS_TTL_S,
      scope: grant.scopes.join(','),
      ...(grant.refreshToken
        ? {
            refresh_token: grant.refreshToken,
            refresh_token_expires_in: Math.floor((grant.refreshExpiresAt - Date.now()) / 1000),
          }
        : {}),
    };
  }

  private bearer(req: IncomingMessage): AccessToken | undefined {
    const value = header(req, 'authorization');
    return value?.startsWith('Bearer ') ? this.tokens.get(value.slice('Bearer '.length)) : undefined;
  }

  private id(): string {
    this.nextId += 1n;
    return this.nextId.toString();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Little text as people read it: backslash escapes removed. */
function unescape(text: string): string {
  return text.replace(/\\([\\|{}@[\]()<>#*_~])/g, '$1');
}
