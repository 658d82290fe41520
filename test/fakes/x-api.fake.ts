import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OpenApiRequestValidator } from './openapi/openapi-request-validator';

/**
 * A contract FAKE of the X API v2 (not X): a small HTTP server that answers as X documents, for the x connector's
 * tests. Written from:
 * - X's OpenAPI description 2.167 (https://api.x.com/2/openapi.json, trimmed copy in specs/x.openapi.json, see
 *   specs/x.openapi.SOURCE.md): EVERY request to /2/… except the token endpoint is checked against it
 *   (`contractViolations`, answered 400 as X does for an invalid request). One documented deviation: the description
 *   names the post fields parameter `post.fields`, X's documentation and live API `tweet.fields`
 *   (https://docs.x.com/x-api/fundamentals/fields): the fake checks `tweet.fields` as that parameter.
 * - Manage Posts: https://docs.x.com/x-api/posts/manage-tweets/introduction (POST /2/tweets → 201 { data: { id,
 *   text } }; DELETE /2/tweets/{id} → { data: { deleted } }; 403 "You are not allowed to create a Tweet with
 *   duplicate content."; reply.in_reply_to_tweet_id; media.media_ids 1–4)
 * - Timelines: https://docs.x.com/x-api/posts/timelines/introduction (GET /2/users/{id}/tweets and /mentions: newest
 *   first, max_results 5–100, start_time/end_time, meta.next_token; text with links as t.co links, `&<>` escaped, a
 *   t.co link appended for attached media)
 * - Users: https://docs.x.com/x-api/users/lookup/introduction (GET /2/users/me, user.fields=public_metrics)
 * - Metrics: https://docs.x.com/x-api/fundamentals/metrics (public_metrics; non_public_metrics for the owner's posts
 *   of the last 30 days, user context only)
 * - Media: https://docs.x.com/x-api/media/quickstart/media-upload-chunked and …/best-practices (one-shot upload,
 *   initialize/append/finalize, STATUS with processing_info, POST /2/media/metadata alt_text ≤ 1,000)
 * - Rate limits: https://docs.x.com/x-api/fundamentals/rate-limits (x-rate-limit-limit/-remaining/-reset in epoch
 *   seconds; POST /2/tweets 200 per 15 minutes per user; 429 Too Many Requests)
 * - OAuth 2.0 with PKCE: https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code
 *   (consent redirect with code and state; token endpoint with HTTP Basic client authentication, code_verifier; 2-hour
 *   access tokens; the refresh token rotates: a used one is invalid)
 */

const SPEC = join(__dirname, 'specs', 'x.openapi.json');
const ACCESS_TTL_S = 7_200;
const WINDOW_MS = 15 * 60_000;
const WINDOW_LIMIT = 200;

export interface FakeTweet {
  id: string;
  authorId: string;
  text: string;
  createdAt: number;
  replyTo?: string;
  replyToUser?: string;
  mediaIds: string[];
  deleted?: boolean;
  metrics: {
    retweet_count: number;
    like_count: number;
    reply_count: number;
    quote_count: number;
    bookmark_count: number;
    impression_count: number;
  };
  privateMetrics: { impression_count: number; url_link_clicks: number; user_profile_clicks: number };
}

interface FakeMedia {
  id: string;
  owner: string;
  category: string;
  totalBytes: number;
  received: number;
  segments: Set<number>;
  finalized: boolean;
  /** STATUS answers left before processing succeeds. */
  pendingChecks: number;
  altText?: string;
  fail?: boolean;
}

interface Grant {
  scopes: string[];
  refreshToken?: string;
  revoked: boolean;
}

export type FakeFault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'lose-answer' }
  | { kind: 'hang-after-create' }
  | { kind: 'rate-limited'; resetAt: Date };

type Matcher = (method: string, path: string) => boolean;
const CREATES: Matcher = (method, path) => method === 'POST' && path === '/2/tweets';

export class XApiFake {
  readonly clientId = 'fake-x-client-id';
  readonly clientSecret = 'fake-x-client-secret';
  readonly userId = '2244994945';
  readonly username = 'acmeroasters';
  followers = 4321;
  /** What the validator found wrong in the connector's requests (the tests expect none). */
  readonly contractViolations: string[] = [];
  readonly counts = {
    creates: 0,
    duplicateRefusals: 0,
    rateLimited: 0,
    tokenRequests: 0,
    refreshes: 0,
    uploads: 0,
    appends: 0,
    statusChecks: 0,
    metadata: 0,
    timelineReads: 0,
  };
  /** STATUS answers "in_progress" this many times for each new video or GIF before "succeeded". */
  processingChecks = 1;
  private server?: Server;
  private readonly validator = OpenApiRequestValidator.fromFile(SPEC);
  private nextId = 1_870_000_000_000_000_000n;
  private readonly tweets: FakeTweet[] = [];
  private readonly media = new Map<string, FakeMedia>();
  private readonly tokens = new Map<string, { grant: Grant; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly codes = new Map<string, { scopes: string[]; challenge?: string; redirectUri: string }>();
  private readonly faults: Array<{ match: Matcher; fault: FakeFault }> = [];
  private readonly held: ServerResponse[] = [];
  private readonly window: number[] = [];

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

  get authorizeUrl(): string {
    return `${this.baseUrl}/i/oauth2/authorize`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // ---- test controls -------------------------------------------------------------------------------------------

  /** Tokens as a code exchange gives them, without the round trip (for tests that start connected). */
  grant(scopes: string[]): { accessToken: string; refreshToken?: string; expiresAt: Date } {
    const answer = this.issue(this.newGrant(scopes));
    return {
      accessToken: answer.access_token as string,
      refreshToken: answer.refresh_token as string | undefined,
      expiresAt: new Date(Date.now() + ACCESS_TTL_S * 1000),
    };
  }

  /** Every access token has expired (401); refresh tokens still work. */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) {
      token.expiresAt = Date.now() - 1;
    }
  }

  /** The tokens are valid again (a person reconnected the channel and the host holds good tokens). */
  acceptTokensAgain(): void {
    for (const token of this.tokens.values()) {
      token.expiresAt = Date.now() + ACCESS_TTL_S * 1000;
      token.grant.revoked = false;
    }
  }

  /** The next `reads` reads of the account's timeline leave out its newest post (X indexes a new post late). */
  hideNewestFromTimeline(reads: number): void {
    this.hiddenReads = reads;
  }

  private hiddenReads = 0;

  /** The account revokes the app: access and refresh tokens stop working. */
  revoke(): void {
    for (const token of this.tokens.values()) {
      token.grant.revoked = true;
    }
  }

  /** The next matching request (default: POST /2/tweets) gets this fault. */
  inject(fault: FakeFault, match: Matcher = CREATES): void {
    this.faults.push({ match, fault });
  }

  pendingFaults(): number {
    return this.faults.length;
  }

  /** The account's live posts (deleted ones left out), oldest first. */
  posts(authorId = this.userId): FakeTweet[] {
    return this.tweets.filter((tweet) => tweet.authorId === authorId && !tweet.deleted);
  }

  /** How many live posts of the account have exactly this text. */
  postsWithText(text: string): number {
    return this.posts().filter((tweet) => tweet.text === text).length;
  }

  mediaOf(id: string): FakeMedia | undefined {
    return this.media.get(id);
  }

  /** Someone else posts a mention of the account (or a reply to one of its posts). */
  mention(
    text: string,
    options: { author?: { id: string; username: string }; replyTo?: string } = {},
  ): FakeTweet {
    const author = options.author ?? { id: '783214', username: 'reader42' };
    this.users.set(author.id, author.username);
    return this.create(author.id, `@${this.username} ${text}`, [], options.replyTo);
  }

  /** A post of the account made elsewhere (the X app), for lookups and metrics. */
  seed(text: string, at = Date.now()): FakeTweet {
    const tweet = this.create(this.userId, text, []);
    tweet.createdAt = at;
    return tweet;
  }

  private readonly users = new Map<string, string>();

  // ---- HTTP ------------------------------------------------------------------------------------------------------

  private answer(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(
        status,
        body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      );
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const problem = (status: number, title: string, detail: string, type = 'about:blank') =>
      send(status, { title, detail, type, status });

    if (path === '/i/oauth2/authorize' && method === 'GET') {
      this.consent(url.searchParams, res);
      return;
    }
    if (path === '/2/oauth2/token' && method === 'POST') {
      this.token(req, new URLSearchParams(raw.toString('utf8')), send);
      return;
    }
    let body: unknown;
    const contentType = header(req, 'content-type');
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        problem(
          400,
          'Invalid Request',
          'The request body is not JSON',
          'https://api.x.com/2/problems/invalid-request',
        );
        return;
      }
    }
    const query: Record<string, string> = {};
    url.searchParams.forEach((value, name) => {
      query[name === 'tweet.fields' ? 'post.fields' : name] = value;
    });
    const violations = this.validator.check({ method, path, query, body, contentType });
    if (violations.length > 0) {
      this.contractViolations.push(...violations);
      problem(400, 'Invalid Request', violations.join('; '), 'https://api.x.com/2/problems/invalid-request');
      return;
    }
    const token = this.bearer(req);
    if (!token || token.grant.revoked || token.expiresAt < Date.now()) {
      send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      return;
    }
    const fault = this.faults.findIndex((entry) => entry.match(method, path));
    const taken = fault >= 0 ? this.faults.splice(fault, 1)[0].fault : undefined;
    if (taken?.kind === 'status') {
      send(
        taken.status,
        taken.body ?? {
          title: 'Error',
          detail: `injected ${taken.status}`,
          type: 'about:blank',
          status: taken.status,
        },
        taken.headers,
      );
      return;
    }
    if (taken?.kind === 'rate-limited') {
      this.counts.rateLimited += 1;
      send(
        429,
        { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
        this.limitHeaders(0, Math.floor(taken.resetAt.getTime() / 1000)),
      );
      return;
    }
    const after = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      if (taken?.kind === 'lose-answer') {
        res.destroy();
        return;
      }
      if (taken?.kind === 'hang-after-create') {
        this.held.push(res);
        return;
      }
      send(status, answer, headers);
    };
    this.route(
      method,
      path,
      url.searchParams,
      body as Record<string, unknown> | undefined,
      token.grant,
      send,
      after,
      problem,
    );
  }

  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown> | undefined,
    grant: Grant,
    send: (status: number, body?: unknown, headers?: Record<string, string>) => void,
    after: (status: number, body: unknown, headers?: Record<string, string>) => void,
    problem: (status: number, title: string, detail: string, type?: string) => void,
  ): void {
    const scope = (needed: string) => {
      if (grant.scopes.includes(needed)) {
        return true;
      }
      problem(403, 'Forbidden', `Missing scope ${needed}`, 'https://api.x.com/2/problems/oauth2-forbidden');
      return false;
    };
    if (method === 'POST' && path === '/2/tweets') {
      if (scope('tweet.write')) {
        this.createTweet(body ?? {}, after, problem);
      }
      return;
    }
    const tweetPath = /^\/2\/tweets\/(\d+)$/.exec(path);
    if (method === 'DELETE' && tweetPath) {
      const tweet = this.tweets.find((t) => t.id === tweetPath[1] && !t.deleted);
      if (!tweet) {
        problem(
          404,
          'Not Found Error',
          `Could not find tweet with id: [${tweetPath[1]}].`,
          'https://api.x.com/2/problems/resource-not-found',
        );
        return;
      }
      if (tweet.authorId !== this.userId) {
        problem(403, 'Forbidden', 'You are not allowed to delete this Tweet.');
        return;
      }
      tweet.deleted = true;
      send(200, { data: { deleted: true } });
      return;
    }
    if (method === 'GET' && path === '/2/users/me') {
      const fields = (query.get('user.fields') ?? '').split(',');
      send(200, {
        data: {
          id: this.userId,
          username: this.username,
          name: 'Acme Roasters',
          ...(fields.includes('description') ? { description: 'Coffee roasted in small batches.' } : {}),
          ...(fields.includes('url') ? { url: 'https://t.co/abc' } : {}),
          ...(fields.includes('entities')
            ? {
                entities: {
                  url: { urls: [{ url: 'https://t.co/abc', expanded_url: 'https://acme.example' }] },
                },
              }
            : {}),
          ...(fields.includes('public_metrics')
            ? {
                public_metrics: {
                  followers_count: this.followers,
                  following_count: 12,
                  tweet_count: this.posts().length,
                  listed_count: 3,
                },
              }
            : {}),
        },
      });
      return;
    }
    const timeline = /^\/2\/users\/(\d+)\/(tweets|mentions)$/.exec(path);
    if (method === 'GET' && timeline) {
      this.counts.timelineReads += 1;
      const [, id, kind] = timeline;
      const newest = kind === 'tweets' && this.hiddenReads > 0 ? this.posts(id).at(-1)?.id : undefined;
      if (newest) {
        this.hiddenReads -= 1;
      }
      const list = this.tweets
        .filter((tweet) => tweet.id !== newest)
        .filter(
          (tweet) =>
            !tweet.deleted &&
            (kind === 'tweets'
              ? tweet.authorId === id
              : tweet.authorId !== id && tweet.text.includes(`@${this.username}`)),
        );
      this.page(list, query, send);
      return;
    }
    if (path.startsWith('/2/media') && !scope('media.write')) {
      return;
    }
    if (method === 'POST' && path === '/2/media/upload') {
      const bytes = Buffer.from(typeof body?.media === 'string' ? body.media : '', 'base64');
      if (body?.media_category !== 'tweet_image') {
        problem(
          400,
          'Invalid Request',
          'one-shot uploads are for tweet_image; use the chunked upload for GIFs and videos',
        );
        return;
      }
      if (bytes.length > 5 * 1024 * 1024) {
        problem(400, 'Invalid Request', 'File size exceeds 5242880 bytes.');
        return;
      }
      const media = this.newMedia('tweet_image', bytes.length);
      media.received = bytes.length;
      media.finalized = true;
      media.pendingChecks = 0;
      this.counts.uploads += 1;
      send(200, {
        data: {
          id: media.id,
          media_key: `3_${media.id}`,
          size: bytes.length,
          expires_after_secs: 86_400,
          image: { image_type: 'image/jpeg', w: 1, h: 1 },
        },
      });
      return;
    }
    if (method === 'POST' && path === '/2/media/upload/initialize') {
      const media = this.newMedia(String(body?.media_category), Number(body?.total_bytes ?? 0));
      send(200, { data: { id: media.id, media_key: `7_${media.id}`, expires_after_secs: 86_400 } });
      return;
    }
    const chunked = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(path);
    if (method === 'POST' && chunked) {
      const media = this.media.get(chunked[1]);
      if (!media || media.finalized) {
        problem(400, 'Invalid Request', 'Invalid media id or the upload is finalized');
        return;
      }
      if (chunked[2] === 'append') {
        const bytes = Buffer.from(typeof body?.media === 'string' ? body.media : '', 'base64');
        media.segments.add(Number(body?.segment_index));
        media.received += bytes.length;
        this.counts.appends += 1;
        send(200, { data: { expires_at: Math.floor(Date.now() / 1000) + 86_400 } });
        return;
      }
      if (media.received !== media.totalBytes) {
        problem(
          400,
          'Invalid Request',
          `File size mismatch: received ${media.received} of ${media.totalBytes} bytes`,
        );
        return;
      }
      media.finalized = true;
      this.counts.uploads += 1;
      send(200, {
        data: {
          id: media.id,
          media_key: `7_${media.id}`,
          size: media.totalBytes,
          expires_after_secs: 86_400,
          ...this.processing(media),
        },
      });
      return;
    }
    if (method === 'GET' && path === '/2/media/upload') {
      const media = this.media.get(query.get('media_id') ?? '');
      if (!media) {
        problem(404, 'Not Found Error', 'Media not found', 'https://api.x.com/2/problems/resource-not-found');
        return;
      }
      this.counts.statusChecks += 1;
      if (media.pendingChecks > 0) {
        media.pendingChecks -= 1;
      }
      send(200, { data: { id: media.id, media_key: `7_${media.id}`, ...this.processing(media, true) } });
      return;
    }
    if (method === 'POST' && path === '/2/media/metadata') {
      const media = this.media.get(String(body?.id));
      if (!media) {
        problem(404, 'Not Found Error', 'Media not found');
        return;
      }
      media.altText = (body?.metadata as { alt_text?: { text?: string } } | undefined)?.alt_text?.text;
      this.counts.metadata += 1;
      send(200, { data: { id: media.id, associated_metadata: true } });
      return;
    }
    problem(404, 'Not Found', `No route ${method} ${path}`);
  }

  private createTweet(
    body: Record<string, unknown>,
    after: (status: number, body: unknown, headers?: Record<string, string>) => void,
    problem: (status: number, title: string, detail: string, type?: string) => void,
  ): void {
    const now = Date.now();
    while (this.window.length > 0 && this.window[0] <= now - WINDOW_MS) {
      this.window.shift();
    }
    const reset = Math.floor(((this.window[0] ?? now) + WINDOW_MS) / 1000);
    if (this.window.length >= WINDOW_LIMIT) {
      this.counts.rateLimited += 1;
      after(
        429,
        { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
        this.limitHeaders(0, reset),
      );
      return;
    }
    const text = typeof body.text === 'string' ? body.text : '';
    const mediaIds = (body.media as { media_ids?: string[] } | undefined)?.media_ids ?? [];
    if (text === '' && mediaIds.length === 0) {
      problem(
        400,
        'Invalid Request',
        'One or more parameters to your request was invalid: text or media is required',
        'https://api.x.com/2/problems/invalid-request',
      );
      return;
    }
    if (xLength(text) > 280) {
      problem(
        400,
        'Invalid Request',
        `Your Tweet text is too long. (${xLength(text)} characters)`,
        'https://api.x.com/2/problems/invalid-request',
      );
      return;
    }
    for (const id of mediaIds) {
      const media = this.media.get(id);
      if (!media || media.owner !== this.userId || !media.finalized || media.pendingChecks > 0) {
        problem(
          400,
          'Invalid Request',
          `Your media IDs are invalid or not processed: ${id}`,
          'https://api.x.com/2/problems/invalid-request',
        );
        return;
      }
    }
    const replyTo = (body.reply as { in_reply_to_tweet_id?: string } | undefined)?.in_reply_to_tweet_id;
    const parent = replyTo ? this.tweets.find((t) => t.id === replyTo && !t.deleted) : undefined;
    if (replyTo && !parent) {
      problem(
        400,
        'Invalid Request',
        'The Tweet you are replying to has been deleted or is not visible to you.',
      );
      return;
    }
    if (
      this.posts().some(
        (tweet) => tweet.text === text && text !== '' && now - tweet.createdAt < 24 * 3_600_000,
      )
    ) {
      this.counts.duplicateRefusals += 1;
      problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
      return;
    }
    this.window.push(now);
    this.counts.creates += 1;
    const tweet = this.create(this.userId, text, mediaIds, replyTo, parent?.authorId);
    after(
      201,
      { data: { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] } },
      this.limitHeaders(WINDOW_LIMIT - this.window.length, reset),
    );
  }

  private create(
    authorId: string,
    text: string,
    mediaIds: string[],
    replyTo?: string,
    replyToUser?: string,
  ): FakeTweet {
    this.nextId += 1_000n;
    const tweet: FakeTweet = {
      id: this.nextId.toString(),
      authorId,
      text,
      createdAt: Date.now(),
      ...(replyTo
        ? { replyTo, replyToUser: replyToUser ?? this.tweets.find((t) => t.id === replyTo)?.authorId }
        : {}),
      mediaIds,
      metrics: {
        retweet_count: 2,
        like_count: 7,
        reply_count: 1,
        quote_count: 0,
        bookmark_count: 3,
        impression_count: 120,
      },
      privateMetrics: { impression_count: 121, url_link_clicks: 4, user_profile_clicks: 1 },
    };
    this.tweets.push(tweet);
    return tweet;
  }

  /** A timeline page: newest first, start_time/end_time, max_results, pagination_token (an index here). */
  private page(
    list: FakeTweet[],
    query: URLSearchParams,
    send: (status: number, body?: unknown) => void,
  ): void {
    const start = query.get('start_time') ? Date.parse(query.get('start_time') as string) : -Infinity;
    const end = query.get('end_time') ? Date.parse(query.get('end_time') as string) : Infinity;
    const max = Number(query.get('max_results') ?? 10);
    const offset = Number(query.get('pagination_token') ?? 0);
    const fields = (query.get('tweet.fields') ?? '').split(',');
    const expansions = (query.get('expansions') ?? '').split(',');
    const matching = list
      .filter((tweet) => tweet.createdAt >= start && tweet.createdAt < end)
      .sort((a, b) => b.createdAt - a.createdAt || Number(BigInt(b.id) - BigInt(a.id)));
    const slice = matching.slice(offset, offset + max);
    const data = slice.map((tweet) => ({
      id: tweet.id,
      text: this.displayed(tweet),
      edit_history_tweet_ids: [tweet.id],
      ...(fields.includes('created_at') ? { created_at: new Date(tweet.createdAt).toISOString() } : {}),
      ...(fields.includes('author_id') ? { author_id: tweet.authorId } : {}),
      ...(fields.includes('conversation_id') ? { conversation_id: tweet.id } : {}),
      ...(fields.includes('in_reply_to_user_id') && tweet.replyToUser
        ? { in_reply_to_user_id: tweet.replyToUser }
        : {}),
      ...(fields.includes('referenced_tweets') && tweet.replyTo
        ? { referenced_tweets: [{ type: 'replied_to', id: tweet.replyTo }] }
        : {}),
      ...(fields.includes('public_metrics') ? { public_metrics: tweet.metrics } : {}),
      ...(fields.includes('non_public_metrics') ? { non_public_metrics: tweet.privateMetrics } : {}),
    }));
    const users = expansions.includes('author_id')
      ? [...new Set(slice.map((tweet) => tweet.authorId))].map((id) => ({
          id,
          username: id === this.userId ? this.username : (this.users.get(id) ?? `user${id}`),
          name: 'Someone',
        }))
      : [];
    const next = offset + max < matching.length ? String(offset + max) : undefined;
    send(200, {
      ...(data.length > 0 ? { data } : {}),
      ...(users.length > 0 ? { includes: { users } } : {}),
      meta: {
        result_count: data.length,
        ...(data.length > 0 ? { newest_id: data[0].id, oldest_id: data.at(-1)?.id } : {}),
        ...(next ? { next_token: next } : {}),
      },
    });
  }

  /** The text as X's GET answers show it: links as t.co links, `&<>` escaped, a t.co link for attached media; a reply to another account starts with its @handle. */
  private displayed(tweet: FakeTweet): string {
    let text = tweet.text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/https?:\/\/[^\s]+/g, () => `https://t.co/${Math.random().toString(36).slice(2, 12)}`);
    if (tweet.mediaIds.length > 0) {
      text += ` https://t.co/${tweet.id.slice(-10)}`;
    }
    if (tweet.replyToUser && tweet.replyToUser !== tweet.authorId && tweet.authorId === this.userId) {
      text = `@${this.users.get(tweet.replyToUser) ?? `user${tweet.replyToUser}`} ${text}`;
    }
    return text;
  }

  private processing(media: FakeMedia, status = false): Record<string, unknown> {
    if (media.category === 'tweet_image') {
      return {};
    }
    if (media.fail) {
      return {
        processing_info: {
          state: 'failed',
          error: { code: 1, name: 'InvalidMedia', message: 'Unsupported video codec' },
        },
      };
    }
    if (media.pendingChecks > 0) {
      return {
        processing_info: {
          state: status ? 'in_progress' : 'pending',
          check_after_secs: 0,
          progress_percent: status ? 50 : 0,
        },
      };
    }
    return { processing_info: { state: 'succeeded', progress_percent: 100 } };
  }

  private newMedia(category: string, totalBytes: number): FakeMedia {
    this.nextId += 7n;
    const media: FakeMedia = {
      id: this.nextId.toString(),
      owner: this.userId,
      category,
      totalBytes,
      received: 0,
      segments: new Set(),
      finalized: false,
      pendingChecks: this.processingChecks,
    };
    this.media.set(media.id, media);
    return media;
  }

  private limitHeaders(remaining: number, reset: number): Record<string, string> {
    return {
      'x-rate-limit-limit': String(WINDOW_LIMIT),
      'x-rate-limit-remaining': String(remaining),
      'x-rate-limit-reset': String(reset),
    };
  }

  // ---- OAuth 2.0 -------------------------------------------------------------------------------------------------

  /** The consent page, accepted at once: a 302 to redirect_uri with code and state; PKCE S256 is required. */
  private consent(query: URLSearchParams, res: ServerResponse): void {
    const redirectUri = query.get('redirect_uri');
    if (
      query.get('response_type') !== 'code' ||
      query.get('client_id') !== this.clientId ||
      !redirectUri ||
      query.get('code_challenge_method') !== 'S256' ||
      !query.get('code_challenge')
    ) {
      res
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('invalid client_id, response_type, redirect_uri or PKCE');
      return;
    }
    const code = `code-${Math.random().toString(36).slice(2)}`;
    this.codes.set(code, {
      scopes: (query.get('scope') ?? '').split(' ').filter(Boolean),
      challenge: query.get('code_challenge') ?? undefined,
      redirectUri,
    });
    const location = new URL(redirectUri);
    location.searchParams.set('state', query.get('state') ?? '');
    location.searchParams.set('code', code);
    res.writeHead(302, { location: location.toString() }).end();
  }

  private token(
    req: IncomingMessage,
    form: URLSearchParams,
    send: (status: number, body?: unknown) => void,
  ): void {
    this.counts.tokenRequests += 1;
    const expected = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
    if (header(req, 'authorization') !== expected) {
      send(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
      return;
    }
    const invalid = () =>
      send(400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    if (form.get('grant_type') === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!code || code.challenge !== challenge || form.get('redirect_uri') !== code.redirectUri) {
        invalid();
        return;
      }
      this.codes.delete(form.get('code') ?? '');
      send(200, this.issue(this.newGrant(code.scopes)));
      return;
    }
    if (form.get('grant_type') === 'refresh_token') {
      const used = form.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(used);
      if (!grant || grant.revoked) {
        invalid();
        return;
      }
      // Rotation: the refresh token just used is spent; the answer carries the next one.
      this.refreshTokens.delete(used);
      grant.refreshToken = `rt-${Math.random().toString(36).slice(2)}`;
      this.refreshTokens.set(grant.refreshToken, grant);
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
    const grant: Grant = { scopes, revoked: false };
    if (scopes.includes('offline.access')) {
      grant.refreshToken = `rt-${Math.random().toString(36).slice(2)}`;
      this.refreshTokens.set(grant.refreshToken, grant);
    }
    return grant;
  }

  private issue(grant: Grant): Record<string, unknown> {
    const accessToken = `at-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    this.tokens.set(accessToken, { grant, expiresAt: Date.now() + ACCESS_TTL_S * 1000 });
    return {
      token_type: 'bearer',
      access_token: accessToken,
      expires_in: ACCESS_TTL_S,
      scope: grant.scopes.join(' '),
      ...(grant.refreshToken ? { refresh_token: grant.refreshToken } : {}),
    };
  }

  private bearer(req: IncomingMessage): { grant: Grant; expiresAt: number } | undefined {
    const value = header(req, 'authorization');
    return value?.startsWith('Bearer ') ? this.tokens.get(value.slice('Bearer '.length)) : undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The length X refuses a post over, counted here on its own (not with the connector's code): URLs 23, code points
 * past U+10FF (CJK, emoji…) 2 each but general punctuation 1. Emoji sequences count per code point here, which is
 * stricter than X; the tests keep to texts where both agree.
 */
function xLength(text: string): number {
  let length = 0;
  const withoutLinks = text.normalize('NFC').replace(/https?:\/\/[^\s]+/g, () => {
    length += 23;
    return '';
  });
  for (const char of withoutLinks) {
    const code = char.codePointAt(0) as number;
    length += code <= 0x10ff || (code >= 0x2000 && code <= 0x206f) ? 1 : 2;
  }
  return length;
}
