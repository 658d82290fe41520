/**
 * A CONTRACT FAKE of TikTok's Open API v2 (open.tiktokapis.com), written from TikTok's documentation pages
 * (TikTok publishes no OpenAPI description, so requests are checked here by hand, field by field):
 * - Content Posting API › Direct Post reference: https://developers.tiktok.com/doc/content-posting-api-reference-direct-post
 *   (POST /v2/post/publish/creator_info/query/: creator_username, creator_nickname, privacy_level_options,
 *   comment_disabled, duet_disabled, stitch_disabled, max_video_post_duration_sec; POST /v2/post/publish/video/init/
 *   with post_info {title ≤ 2,200 UTF-16 units, privacy_level, disable_comment, disable_duet, disable_stitch,
 *   video_cover_timestamp_ms} and source_info {FILE_UPLOAD: video_size, chunk_size, total_chunk_count |
 *   PULL_FROM_URL: video_url}; answer publish_id and, for FILE_UPLOAD, upload_url; "each user access_token is
 *   limited to 6 requests per minute"; unaudited clients: private viewing only,
 *   unaudited_client_can_only_post_to_private_accounts)
 * - Media transfer guide: https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide (chunks 5–64 MB,
 *   the last up to 128 MB; total_chunk_count = floor(video_size / chunk_size); under 5 MB one chunk of the whole
 *   size; 1–1,000 chunks; uploaded sequentially with PUT, Content-Range bytes first-last/total; 206 Partial Content
 *   per chunk, 201 Created when the file is complete; upload_url valid one hour)
 * - Get post status: https://developers.tiktok.com/doc/content-posting-api-reference-get-video-status
 *   (POST /v2/post/publish/status/fetch/ {publish_id}: status PROCESSING_UPLOAD, PROCESSING_DOWNLOAD,
 *   SEND_TO_USER_INBOX, PUBLISH_COMPLETE, FAILED; fail_reason; publicaly_available_post_id (sic) an array of int64;
 *   uploaded_bytes)
 * - Display API: https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info (GET /v2/user/info/?fields=…) and
 *   https://developers.tiktok.com/doc/tiktok-api-v2-video-query (POST /v2/video/query/?fields=… {filters: {video_ids}},
 *   at most 20 ids)
 * - OAuth v2: https://developers.tiktok.com/doc/login-kit-web (GET https://www.tiktok.com/v2/auth/authorize/ with
 *   client_key, scope comma separated, response_type=code, redirect_uri, state) and
 *   https://developers.tiktok.com/doc/oauth-user-access-token-management (POST /v2/oauth/token/ form-encoded with
 *   client_key, client_secret, code, grant_type, redirect_uri | refresh_token; answer access_token 24 h, open_id,
 *   refresh_token 365 days as refresh_expires_in, scope comma separated)
 * - Error handling: https://developers.tiktok.com/doc/tiktok-api-v2-error-handling ({"data": …, "error": {code,
 *   message, log_id}}, code "ok" on success).
 * Assumptions where the pages are silent (named so a reader can check them against the live API): the OAuth
 * errors answer 400 with {error, error_description}; a repeated or out-of-order chunk answers 416 with
 * range_not_satisfiable (the guide only says "sequentially"); a chunk PUT after the one-hour upload_url expired
 * answers 403 with upload_url_expired; publicaly_available_post_id is filled only for PUBLIC_TO_EVERYONE posts;
 * a 429 carries no reset header (none is documented).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const MB = 1024 * 1024;
const HOUR = 3_600_000;
const ALL_SCOPES = ['user.info.basic', 'user.info.stats', 'video.publish', 'video.list'];
const PRIVACY = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];

interface Token {
  value: string;
  expiresAt: number;
  scopes: string[];
  revoked: boolean;
}

export interface FakePublish {
  publishId: string;
  token: string;
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  caption: string;
  privacy: string;
  postInfo: Record<string, unknown>;
  videoSize?: number;
  chunkSize?: number;
  totalChunks?: number;
  videoUrl?: string;
  uploadToken?: string;
  received: number;
  chunks: number;
  createdAt: number;
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'PUBLISH_COMPLETE' | 'FAILED';
  pollsLeft: number;
  failReason?: string;
  videoId?: string;
}

export interface FakeVideo {
  id: string;
  caption: string;
  privacy: string;
  publishId: string;
  views: number;
  likes: number;
  comments: number;
  shares: number;
}

export type FakeFault =
  | { kind: 'status'; status: number; code: string; headers?: Record<string, string> }
  /** The request is carried out, then the connection drops before the answer. */
  | { kind: 'lose-answer' }
  /** No answer, nothing done. */
  | { kind: 'hang' };

type Where = 'init' | 'upload' | 'last-chunk' | 'creator-info' | 'status' | 'any';

export class TikTokApiFake {
  readonly clientKey = 'awfaketiktokclientkey';
  readonly clientSecret = 'fake-client-secret';
  readonly openId = '-000fakeOpenIdAcme';
  readonly username = 'acme.coffee';
  /** Whether TikTok has audited the app: unaudited, only SELF_ONLY posts to a private account pass. */
  audited = false;
  /** The account's own privacy setting (unaudited apps may post only to private accounts). */
  accountPrivate = true;
  /** Init requests per token and minute (TikTok: 6). */
  initsPerMinute = 6;
  /** Status reads answering PROCESSING_* before PUBLISH_COMPLETE. */
  pollsUntilComplete = 0;
  maxVideoSeconds = 600;
  creator = { comment_disabled: false, duet_disabled: false, stitch_disabled: false };
  followers = 1200;
  /** Where upload URLs point (a proxy in front of the fake, in tests that inject faults on chunks). */
  uploadBaseUrl = '';
  readonly counters = {
    inits: 0,
    chunkPuts: 0,
    creatorInfo: 0,
    statusReads: 0,
    refreshes: 0,
    codeExchanges: 0,
  };
  readonly publishes = new Map<string, FakePublish>();
  readonly videos: FakeVideo[] = [];
  /** Requests whose shape broke the documented contract, for assertions (the fake answers 400 too). */
  readonly contractViolations: string[] = [];

  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly tokens = new Map<string, Token>();
  private readonly refreshTokens = new Map<string, { value: string; expiresAt: number; revoked: boolean }>();
  private readonly codes = new Set<string>();
  private readonly initTimes = new Map<string, number[]>();
  private readonly faults: Array<{ where: Where; fault: FakeFault; skip: number }> = [];
  private nextVideo = 7_351_234_567_890_123_456n;
  private nextPublish = 1;
  private offset = 0;
  baseUrl = '';

  now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.uploadBaseUrl ||= this.baseUrl;
    return this;
  }

  async stop(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A user token as the token endpoint would grant it (24 h access, 365 days refresh). */
  grant(scopes = ALL_SCOPES): {
    accessToken: string;
    refreshToken: string;
    expiresAt: Date;
    refreshExpiresAt: Date;
    scopes: string[];
  } {
    const access = this.issueAccess(scopes);
    const refresh = this.issueRefresh();
    return {
      accessToken: access.value,
      refreshToken: refresh.value,
      expiresAt: new Date(access.expiresAt),
      refreshExpiresAt: new Date(refresh.expiresAt),
      scopes,
    };
  }

  /** Every access token stops working (the user revoked the app's access token, or it expired). */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) {
      token.revoked = true;
    }
  }

  revokeRefreshTokens(): void {
    for (const token of this.refreshTokens.values()) {
      token.revoked = true;
    }
  }

  /** An authorization code, as the consent page would give one. */
  issueCode(): string {
    const code = `code-${randomBytes(6).toString('hex')}`;
    this.codes.add(code);
    return code;
  }

  /** The next request at `where` (after `skip` of them pass) answers this status and TikTok error code. */
  failNext(where: Where, status: number, code: string, headers?: Record<string, string>, skip = 0): void {
    this.faults.push({ where, fault: { kind: 'status', status, code, headers }, skip });
  }

  /** The next request at `where` (after `skip` pass) is carried out, and its answer lost. */
  loseNextAnswer(where: Where = 'init', skip = 0): void {
    this.faults.push({ where, fault: { kind: 'lose-answer' }, skip });
  }

  /** The next request at `where` (after `skip` pass) is never answered, nor carried out. */
  hangNext(where: Where = 'init', skip = 0): void {
    this.faults.push({ where, fault: { kind: 'hang' }, skip });
  }

  pendingFaults(): number {
    return this.faults.length;
  }

  /** The account's videos (published posts), with their caption as text. */
  posts(): Array<{ remoteId: string; text: string }> {
    // A private post has no public id (publicaly_available_post_id stays empty): its publish_id names it.
    return this.videos.map((video) => ({
      remoteId: video.privacy === 'PUBLIC_TO_EVERYONE' ? video.id : video.publishId,
      text: video.caption,
    }));
  }

  postsWithText(text: string): number {
    return this.videos.filter((video) => video.caption === text).length;
  }

  private takeFault(where: Where[]): FakeFault | undefined {
    const index = this.faults.findIndex((entry) => entry.where === 'any' || where.includes(entry.where));
    if (index < 0) {
      return undefined;
    }
    if (this.faults[index].skip > 0) {
      this.faults[index].skip -= 1;
      return undefined;
    }
    return this.faults.splice(index, 1)[0].fault;
  }

  private issueAccess(scopes: string[]): Token {
    const token = {
      value: `act.${randomBytes(12).toString('hex')}`,
      expiresAt: this.now() + 24 * HOUR,
      scopes,
      revoked: false,
    };
    this.tokens.set(token.value, token);
    return token;
  }

  private issueRefresh() {
    const token = {
      value: `rft.${randomBytes(12).toString('hex')}`,
      expiresAt: this.now() + 365 * 24 * HOUR,
      revoked: false,
    };
    this.refreshTokens.set(token.value, token);
    return token;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const body = await readBody(req);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    try {
      if (method === 'GET' && path === '/v2/auth/authorize/') {
        return this.authorize(url, res);
      }
      if (method === 'POST' && path === '/v2/oauth/token/') {
        return this.token(body.toString('utf8'), res);
      }
      if (method === 'PUT' && path.startsWith('/upload/')) {
        return this.chunk(req, path.slice('/upload/'.length), body, res);
      }
      const where: Where | undefined =
        path === '/v2/post/publish/video/init/'
          ? 'init'
          : path === '/v2/post/publish/creator_info/query/'
            ? 'creator-info'
            : path === '/v2/post/publish/status/fetch/'
              ? 'status'
              : undefined;
      const fault = where ? this.takeFault([where]) : undefined;
      if (fault?.kind === 'hang') {
        return;
      }
      if (fault?.kind === 'status') {
        return error(res, fault.status, fault.code, 'injected by the test', fault.headers);
      }
      const token = this.authenticate(req, res);
      if (!token) {
        return;
      }
      const json = (): Record<string, unknown> => {
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
          this.violation(`${path}: Content-Type must be application/json; charset=UTF-8`);
        }
        return JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      };
      const answer = (status: number, data: unknown, raw?: (text: string) => string) => {
        let text = JSON.stringify({ data, error: { code: 'ok', message: '', log_id: logId() } });
        text = raw ? raw(text) : text;
        if (fault?.kind === 'lose-answer') {
          req.socket.destroy();
          return;
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(text);
      };
      if (method === 'POST' && where === 'creator-info') {
        this.needScope(token, 'video.publish');
        this.counters.creatorInfo += 1;
        return answer(200, {
          creator_avatar_url: 'https://p16.tiktokcdn.example/avatar.jpeg',
          creator_username: this.username,
          creator_nickname: 'Acme Coffee',
          privacy_level_options: this.accountPrivate
            ? ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']
            : ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
          ...this.creator,
          max_video_post_duration_sec: this.maxVideoSeconds,
        });
      }
      if (method === 'POST' && where === 'init') {
        this.needScope(token, 'video.publish');
        return this.init(token, json(), answer, res);
      }
      if (method === 'POST' && where === 'status') {
        this.needScope(token, 'video.publish');
        return this.status(json(), answer, res);
      }
      if (method === 'GET' && path === '/v2/user/info/') {
        this.needScope(token, 'user.info.basic');
        const fields = (url.searchParams.get('fields') ?? '').split(',');
        if (fields.some((field) => ['follower_count', 'likes_count', 'video_count'].includes(field))) {
          this.needScope(token, 'user.info.stats');
        }
        const user: Record<string, unknown> = {
          open_id: this.openId,
          username: this.username,
          display_name: 'Acme Coffee',
          follower_count: this.followers,
          likes_count: this.videos.reduce((sum, video) => sum + video.likes, 0),
          video_count: this.videos.length,
        };
        return answer(200, {
          user: Object.fromEntries(fields.filter((f) => f in user).map((f) => [f, user[f]])),
        });
      }
      if (method === 'POST' && path === '/v2/video/query/') {
        this.needScope(token, 'video.list');
        const ids = (json().filters as { video_ids?: unknown } | undefined)?.video_ids;
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20) {
          return error(res, 400, 'invalid_params', 'filters.video_ids must hold 1 to 20 ids');
        }
        const fields = (url.searchParams.get('fields') ?? '').split(',');
        const videos = this.videos
          .filter((video) => ids.includes(video.id))
          .map((video) => {
            const all: Record<string, unknown> = {
              id: video.id,
              view_count: video.views,
              like_count: video.likes,
              comment_count: video.comments,
              share_count: video.shares,
            };
            return Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]]));
          });
        return answer(200, { videos, cursor: 0, has_more: false });
      }
      return error(res, 404, 'not_found', `no route ${method} ${path}`);
    } catch (thrown) {
      if (thrown instanceof Refusal) {
        return error(res, thrown.status, thrown.code, thrown.message);
      }
      return error(res, 500, 'internal_error', (thrown as Error).message);
    }
  }

  private violation(problem: string): never {
    this.contractViolations.push(problem);
    throw new Refusal(400, 'invalid_params', problem);
  }

  private authenticate(req: IncomingMessage, res: ServerResponse): Token | undefined {
    const value = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = value ? this.tokens.get(value) : undefined;
    if (!token || token.revoked || token.expiresAt <= this.now()) {
      error(res, 401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
      return undefined;
    }
    return token;
  }

  private needScope(token: Token, scope: string): void {
    if (!token.scopes.includes(scope)) {
      throw new Refusal(
        401,
        'scope_not_authorized',
        `The user did not authorize the scope required: ${scope}`,
      );
    }
  }

  private init(
    token: Token,
    body: Record<string, unknown>,
    answer: (status: number, data: unknown) => void,
    res: ServerResponse,
  ): void {
    const times = (this.initTimes.get(token.value) ?? []).filter((at) => at > this.now() - 60_000);
    if (times.length >= this.initsPerMinute) {
      return error(
        res,
        429,
        'rate_limit_exceeded',
        'API rate limit was exceeded; only 6 requests per minute',
      );
    }
    this.initTimes.set(token.value, [...times, this.now()]);
    const postInfo = (body.post_info ?? {}) as Record<string, unknown>;
    const sourceInfo = (body.source_info ?? {}) as Record<string, unknown>;
    const title = postInfo.title;
    if (title !== undefined && (typeof title !== 'string' || title.length > 2200)) {
      this.violation('post_info.title must be a string of at most 2,200 UTF-16 units');
    }
    const privacy = postInfo.privacy_level;
    if (typeof privacy !== 'string' || !PRIVACY.includes(privacy)) {
      this.violation(
        'post_info.privacy_level is required: PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, FOLLOWER_OF_CREATOR or SELF_ONLY',
      );
    }
    for (const flag of ['disable_comment', 'disable_duet', 'disable_stitch']) {
      if (postInfo[flag] !== undefined && typeof postInfo[flag] !== 'boolean') {
        this.violation(`post_info.${flag} must be a boolean`);
      }
    }
    if (!this.audited && (privacy !== 'SELF_ONLY' || !this.accountPrivate)) {
      return error(
        res,
        403,
        'unaudited_client_can_only_post_to_private_accounts',
        'Unaudited clients can only post to private accounts.',
      );
    }
    const options = this.accountPrivate
      ? ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY']
      : ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];
    if (!options.includes(privacy)) {
      return error(
        res,
        400,
        'privacy_level_option_mismatch',
        'privacy_level is not among the creator’s options',
      );
    }
    const source = sourceInfo.source;
    const publish: FakePublish = {
      publishId: `v_pub_${source === 'PULL_FROM_URL' ? 'url' : 'file'}~v2-1.${this.nextPublish++}`,
      token: token.value,
      source: source as FakePublish['source'],
      caption: title ?? '',
      privacy: privacy,
      postInfo,
      received: 0,
      chunks: 0,
      createdAt: this.now(),
      status: 'PROCESSING_UPLOAD',
      pollsLeft: this.pollsUntilComplete,
    };
    if (source === 'FILE_UPLOAD') {
      const size = sourceInfo.video_size;
      const chunk = sourceInfo.chunk_size;
      const count = sourceInfo.total_chunk_count;
      if (!isInt(size) || !isInt(chunk) || !isInt(count) || size <= 0) {
        this.violation('source_info.video_size, chunk_size and total_chunk_count must be positive integers');
      }
      if (size < 5 * MB && (chunk !== size || count !== 1)) {
        this.violation(
          'a video under 5 MB is uploaded whole: chunk_size = video_size, total_chunk_count = 1',
        );
      }
      if (size >= 5 * MB && chunk !== size && (chunk < 5 * MB || chunk > 64 * MB)) {
        this.violation('chunk_size must be 5–64 MB');
      }
      if (count !== Math.max(1, Math.floor(size / chunk)) || count > 1000) {
        this.violation('total_chunk_count must be floor(video_size / chunk_size), at most 1,000');
      }
      if (size - (count - 1) * chunk > 128 * MB) {
        this.violation('the final chunk may be at most 128 MB');
      }
      Object.assign(publish, {
        videoSize: size,
        chunkSize: chunk,
        totalChunks: count,
        uploadToken: randomBytes(8).toString('hex'),
      });
    } else if (source === 'PULL_FROM_URL') {
      if (typeof sourceInfo.video_url !== 'string' || !/^https?:\/\//.test(sourceInfo.video_url)) {
        this.violation('source_info.video_url must be an http(s) URL on a verified domain');
      }
      // The fake "downloads" at once: the post finishes on its next status reads.
      Object.assign(publish, { videoUrl: sourceInfo.video_url, status: 'PROCESSING_DOWNLOAD' });
      this.completeUpload(publish);
    } else {
      this.violation('source_info.source must be FILE_UPLOAD or PULL_FROM_URL');
    }
    this.counters.inits += 1;
    this.publishes.set(publish.publishId, publish);
    answer(200, {
      publish_id: publish.publishId,
      ...(publish.uploadToken ? { upload_url: `${this.uploadBaseUrl}/upload/${publish.uploadToken}` } : {}),
    });
  }

  private chunk(req: IncomingMessage, uploadToken: string, body: Buffer, res: ServerResponse): void {
    const publish = [...this.publishes.values()].find((item) => item.uploadToken === uploadToken);
    if (!publish) {
      return error(res, 404, 'not_found', 'no such upload');
    }
    this.counters.chunkPuts += 1;
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
    const isLast = publish.chunks === (publish.totalChunks ?? 1) - 1;
    const fault = this.takeFault(isLast ? ['upload', 'last-chunk'] : ['upload']);
    if (fault?.kind === 'hang') {
      return;
    }
    if (fault?.kind === 'status') {
      return error(res, fault.status, fault.code, 'injected by the test', fault.headers);
    }
    if (this.now() - publish.createdAt > HOUR) {
      return error(res, 403, 'upload_url_expired', 'the upload URL is valid for one hour');
    }
    if (!range) {
      this.contractViolations.push('chunk PUT without Content-Range: bytes first-last/total');
      return error(res, 400, 'invalid_params', 'Content-Range is required');
    }
    const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (total !== publish.videoSize || last - first + 1 !== body.length) {
      this.contractViolations.push(
        `chunk ${range[0]} does not match the body (${body.length} bytes) or video_size`,
      );
      return error(res, 400, 'invalid_params', 'Content-Range does not match the body or video_size');
    }
    const expectedLast = isLast ? publish.videoSize - 1 : first + publish.chunkSize! - 1;
    if (first !== publish.received || last !== expectedLast || publish.status !== 'PROCESSING_UPLOAD') {
      return error(res, 416, 'range_not_satisfiable', `expected bytes ${publish.received}-${expectedLast}`);
    }
    publish.received = last + 1;
    publish.chunks += 1;
    const complete = publish.received === publish.videoSize;
    if (complete) {
      this.completeUpload(publish);
    }
    if (fault?.kind === 'lose-answer') {
      req.socket.destroy();
      return;
    }
    res.writeHead(complete ? 201 : 206);
    res.end();
  }

  /** Every byte is in: the post is published (once) after `pollsUntilComplete` status reads. */
  private completeUpload(publish: FakePublish): void {
    if (publish.videoId) {
      return;
    }
    publish.status = publish.source === 'PULL_FROM_URL' ? 'PROCESSING_DOWNLOAD' : 'PROCESSING_UPLOAD';
    publish.videoId = String(this.nextVideo++);
    this.videos.push({
      id: publish.videoId,
      caption: publish.caption,
      privacy: publish.privacy,
      publishId: publish.publishId,
      views: 100 + this.videos.length,
      likes: 10,
      comments: 2,
      shares: 1,
    });
    if (publish.pollsLeft <= 0) {
      publish.status = 'PUBLISH_COMPLETE';
    }
  }

  private status(
    body: Record<string, unknown>,
    answer: (status: number, data: unknown, raw?: (text: string) => string) => void,
    res: ServerResponse,
  ): void {
    this.counters.statusReads += 1;
    const publish = typeof body.publish_id === 'string' ? this.publishes.get(body.publish_id) : undefined;
    if (!publish) {
      return error(res, 400, 'invalid_publish_id', 'publish_id not found');
    }
    if (
      publish.status === 'PROCESSING_UPLOAD' &&
      publish.videoId === undefined &&
      this.now() - publish.createdAt > HOUR
    ) {
      publish.status = 'FAILED';
      publish.failReason = 'upload_expired';
    }
    if (publish.videoId && publish.status !== 'PUBLISH_COMPLETE') {
      publish.pollsLeft -= 1;
      if (publish.pollsLeft < 0) {
        publish.status = 'PUBLISH_COMPLETE';
      }
    }
    const publicId =
      publish.status === 'PUBLISH_COMPLETE' && publish.privacy === 'PUBLIC_TO_EVERYONE'
        ? publish.videoId
        : undefined;
    answer(
      200,
      {
        status: publish.status,
        ...(publish.failReason ? { fail_reason: publish.failReason } : {}),
        publicaly_available_post_id: [],
        ...(publish.source === 'FILE_UPLOAD'
          ? { uploaded_bytes: publish.received }
          : { downloaded_bytes: 0 }),
      },
      // TikTok sends the id as a 64-bit JSON number, beyond JavaScript's safe integers: written raw.
      (text) =>
        publicId
          ? text.replace('"publicaly_available_post_id":[]', `"publicaly_available_post_id":[${publicId}]`)
          : text,
    );
  }

  private authorize(url: URL, res: ServerResponse): void {
    const redirect = url.searchParams.get('redirect_uri');
    if (url.searchParams.get('client_key') !== this.clientKey || !redirect) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('client_key and redirect_uri are required');
      return;
    }
    const target = new URL(redirect);
    target.searchParams.set('code', this.issueCode());
    target.searchParams.set('scopes', url.searchParams.get('scope') ?? '');
    target.searchParams.set('state', url.searchParams.get('state') ?? '');
    res.writeHead(302, { location: target.toString() });
    res.end();
  }

  private token(text: string, res: ServerResponse): void {
    const form = new URLSearchParams(text);
    const oauthError = (description: string, code = 'invalid_request') => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: code, error_description: description, log_id: logId() }));
    };
    if (form.get('client_key') !== this.clientKey || form.get('client_secret') !== this.clientSecret) {
      return oauthError('Client key or secret is incorrect (client_key, not client_id).', 'invalid_client');
    }
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      if (!this.codes.delete(code) || !form.get('redirect_uri')) {
        return oauthError('Authorization code is expired.', 'invalid_grant');
      }
      this.counters.codeExchanges += 1;
    } else if (grant === 'refresh_token') {
      const held = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!held || held.revoked || held.expiresAt <= this.now()) {
        return oauthError('Refresh token is invalid or expired.', 'invalid_grant');
      }
      this.counters.refreshes += 1;
    } else {
      return oauthError('grant_type must be authorization_code or refresh_token');
    }
    const access = this.issueAccess(ALL_SCOPES);
    const refresh = this.issueRefresh();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: access.value,
        expires_in: 86_400,
        open_id: this.openId,
        refresh_expires_in: 31_536_000,
        refresh_token: refresh.value,
        scope: ALL_SCOPES.join(','),
        token_type: 'Bearer',
      }),
    );
  }
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function logId(): string {
  return `2026120708${randomBytes(8).toString('hex')}`;
}

function error(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { code, message, log_id: logId() } }));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
