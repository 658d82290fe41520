import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A contract fake of the YouTube Data API v3 and Google's OAuth token endpoint (a FAKE, for tests on 127.0.0.1),
 * written from Google's documentation:
 * - Discovery document (methods, parameters, schemas): test/fakes/specs/youtube.discovery.json, a trimmed copy (see
 *   youtube.discovery.SOURCE.md). Every request is checked against it: a known method, known query parameters
 *   (required ones present, enums and ranges kept), and only known fields of the request schema in a JSON body.
 *   Anything else answers 400 and is recorded in `violations`.
 * - Resumable uploads: https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol (POST
 *   /upload/youtube/v3/videos?uploadType=resumable with X-Upload-Content-Length/-Type → 200 and the session URI in
 *   Location; PUT chunks with Content-Range `bytes a-b/size`, all but the last a multiple of 256 KiB; 308 with
 *   `Range: bytes=0-n` while incomplete; `Content-Range: bytes *∕size` asks the status; 200/201 with the video
 *   resource once complete — also to every later request on that session; an expired session answers 404).
 * - videos resource limits: https://developers.google.com/youtube/v3/docs/videos#properties (title ≤ 100
 *   characters, description ≤ 5,000 bytes, neither with "<" or ">"; tags ≤ 500 characters; publishAt only for
 *   private videos); status.uploadStatus uploaded → processed (or failed/rejected): docs/videos#status.
 * - thumbnails.set: https://developers.google.com/youtube/v3/docs/thumbnails/set (JPEG/PNG ≤ 2 MB; 403 forbidden when
 *   the channel may not set custom thumbnails).
 * - commentThreads.list (allThreadsRelatedToChannelId, newest first, pageToken), comments.list (parentId),
 *   comments.insert (snippet.parentId, textOriginal): docs/commentThreads/list, docs/comments/list, docs/comments/insert.
 * - channels.list (statistics as uint64 strings, contentDetails.relatedPlaylists.uploads), playlistItems.list:
 *   docs/channels, docs/playlistItems/list.
 * - Errors: https://developers.google.com/youtube/v3/docs/errors (`{ error: { code, message, errors: [{ domain,
 *   reason, message }], status } }`; 401 authError, 403 quotaExceeded / forbidden / insufficientPermissions).
 * - Quota costs (counted in `units`): https://developers.google.com/youtube/v3/determine_quota_cost.
 * - OAuth: https://developers.google.com/identity/protocols/oauth2/web-server#offline (POST /token with
 *   grant_type=refresh_token answers a new access token and NO new refresh token; a revoked grant answers 400
 *   invalid_grant).
 */

interface DiscoveryParameter {
  type: string;
  location: string;
  required?: boolean;
  repeated?: boolean;
  enum?: string[];
  minimum?: string;
  maximum?: string;
}
interface DiscoveryMethod {
  id: string;
  httpMethod: string;
  path: string;
  parameters: Record<string, DiscoveryParameter>;
  request?: { $ref: string };
}
interface DiscoverySchema {
  type?: string;
  properties?: Record<string, DiscoveryProperty>;
}
interface DiscoveryProperty {
  type?: string;
  $ref?: string;
  enum?: string[];
  items?: DiscoveryProperty;
  additionalProperties?: DiscoveryProperty;
}
interface Discovery {
  parameters: Record<string, DiscoveryParameter>;
  resources: Record<string, { methods: Record<string, DiscoveryMethod> }>;
  schemas: Record<string, DiscoverySchema>;
}

const DISCOVERY = JSON.parse(
  readFileSync(join(__dirname, 'specs', 'youtube.discovery.json'), 'utf8'),
) as Discovery;
const METHODS = Object.values(DISCOVERY.resources).flatMap((resource) => Object.values(resource.methods));
const CHUNK = 256 * 1024;
const COSTS: Record<string, number> = {
  'youtube.videos.insert': 1,
  'youtube.videos.delete': 50,
  'youtube.thumbnails.set': 50,
  'youtube.comments.insert': 50,
};

/** Checks a JSON body against a discovery schema: known fields only, right types and enums. */
export function schemaProblems(value: unknown, ref: string, path = ''): string[] {
  const schema = DISCOVERY.schemas[ref];
  if (!schema) {
    return [`${path || '(body)'}: unknown schema ${ref}`];
  }
  return propertyProblems(value, { $ref: ref }, path || '(body)');
}

function propertyProblems(value: unknown, property: DiscoveryProperty, path: string): string[] {
  if (property.$ref) {
    const schema = DISCOVERY.schemas[property.$ref];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return [`${path}: must be an object (${property.$ref})`];
    }
    if (!schema?.properties) {
      return Object.keys(value).length > 0 ? [`${path}: ${property.$ref} takes no fields here`] : [];
    }
    return Object.entries(value).flatMap(([name, inner]) =>
      schema.properties![name]
        ? propertyProblems(inner, schema.properties![name], `${path}.${name}`)
        : [`${path}.${name}: not a field of ${property.$ref}`],
    );
  }
  switch (property.type) {
    case 'string':
      if (typeof value !== 'string') {
        return [`${path}: must be a string`];
      }
      return property.enum && !property.enum.includes(value)
        ? [`${path}: "${value}" is not one of ${property.enum.join(', ')}`]
        : [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: must be a boolean`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: must be an integer`];
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, index) => propertyProblems(item, property.items ?? {}, `${path}[${index}]`))
        : [`${path}: must be an array`];
    case 'object':
      return typeof value === 'object' && value !== null ? [] : [`${path}: must be an object`];
    case undefined:
    default:
      return [];
  }
}

/** The discovery method for a request, and what is wrong with its query and body. */
export function checkRequest(
  method: string,
  pathname: string,
  query: URLSearchParams,
  body: unknown,
): { method?: DiscoveryMethod; problems: string[] } {
  const path = pathname.replace(/^\/(upload\/)?/, '');
  const found = METHODS.find((candidate) => candidate.httpMethod === method && candidate.path === path);
  if (!found) {
    return { problems: [`${method} ${pathname}: no such method in the discovery document`] };
  }
  const problems: string[] = [];
  for (const name of new Set(query.keys())) {
    const parameter = found.parameters[name] ?? DISCOVERY.parameters[name];
    if (!parameter && !(pathname.startsWith('/upload/') && name === 'upload_id')) {
      problems.push(`${found.id}: unknown parameter "${name}"`);
      continue;
    }
    for (const value of query.getAll(name)) {
      if (parameter?.enum && !parameter.enum.includes(value)) {
        problems.push(`${found.id}: ${name}="${value}" is not one of ${parameter.enum.join(', ')}`);
      }
      if (parameter?.type === 'integer') {
        const number = Number(value);
        if (
          !Number.isInteger(number) ||
          (parameter.minimum !== undefined && number < Number(parameter.minimum)) ||
          (parameter.maximum !== undefined && number > Number(parameter.maximum))
        ) {
          problems.push(`${found.id}: ${name}=${value} is out of range`);
        }
      }
      if (parameter?.type === 'boolean' && value !== 'true' && value !== 'false') {
        problems.push(`${found.id}: ${name}=${value} is not a boolean`);
      }
    }
  }
  for (const [name, parameter] of Object.entries(found.parameters)) {
    if (parameter.required && !query.has(name)) {
      problems.push(`${found.id}: required parameter "${name}" is missing`);
    }
  }
  if (found.request && body !== undefined) {
    problems.push(...schemaProblems(body, found.request.$ref).map((problem) => `${found.id}: ${problem}`));
    const parts = (query.get('part') ?? '').split(',');
    for (const key of Object.keys(body as object)) {
      if (!['id', 'kind', 'etag'].includes(key) && !parts.includes(key)) {
        problems.push(`${found.id}: body field "${key}" is not among part=${query.get('part')}`);
      }
    }
  }
  return { method: found, problems };
}

export interface FakeVideo {
  id: string;
  snippet: { title: string; description: string; tags: string[]; categoryId: string; publishedAt: string };
  status: Record<string, unknown> & { uploadStatus: string; privacyStatus: string };
  bytes: number;
  contentType: string;
  pollsLeft: number;
  deleted: boolean;
  thumbnail?: { bytes: number; contentType: string };
  statistics: { viewCount: number; likeCount: number; commentCount: number };
}

interface Session {
  id: string;
  size: number;
  contentType: string;
  metadata: { snippet: Record<string, unknown>; status: Record<string, unknown> };
  received: number;
  videoId?: string;
  expired: boolean;
}

interface FakeComment {
  id: string;
  videoId: string;
  parentId?: string;
  authorChannelId: string;
  authorDisplayName: string;
  text: string;
  publishedAt: string;
}

export type Target = 'insert' | 'chunk' | 'status-query' | 'comment' | 'thumbnail' | 'list' | 'delete';
export type YouTubeFault =
  | { kind: 'lose-answer' }
  | { kind: 'hang' }
  | { kind: 'hang-after' }
  | { kind: 'answer'; status: number; reason?: string; message?: string; headers?: Record<string, string> };

const ERROR_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export function googleError(status: number, reason: string, message: string): Record<string, unknown> {
  return {
    error: {
      code: status,
      message,
      errors: [{ message, domain: status === 401 ? 'global' : 'youtube.api', reason }],
      status: ERROR_STATUS[status] ?? 'UNKNOWN',
    },
  };
}

const textOf = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
const graphemes = (text: string) =>
  [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].length;

export class YouTubeApiFake {
  readonly clientId = 'fake-client.apps.googleusercontent.com';
  readonly clientSecret = 'fake-secret';
  readonly channelId = `UC${randomBytes(16).toString('base64url').slice(0, 22)}`;
  readonly channelTitle = 'Acme Coffee';
  readonly videos: FakeVideo[] = [];
  readonly comments: FakeComment[] = [];
  /** Requests that broke the discovery document or the upload protocol (a test expects none). */
  readonly violations: string[] = [];
  /** Quota units spent per method id, and calls. */
  readonly units: Record<string, number> = {};
  readonly counts = { sessions: 0, chunks: 0, statusQueries: 0, tokenRefreshes: 0 };
  /** Status polls before a new video is processed. */
  processingPolls = 1;
  thumbnailsForbidden = false;
  /** Where session URIs point (a proxy in front of the fake); default the fake itself. */
  uploadBaseUrl?: string;
  private readonly sessions = new Map<string, Session>();
  private readonly accessTokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  private readonly refreshTokens = new Map<string, { revoked: boolean }>();
  private readonly faults: Array<{ target: Target; fault: YouTubeFault; skip: number }> = [];
  private readonly held = new Set<ServerResponse>();
  private nextFailure?: { reason: string; status: 'failed' | 'rejected' };
  private server?: Server;
  private port = 0;
  private sequence = 0;

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/token`;
  }

  async stop(): Promise<void> {
    for (const res of this.held) {
      res.destroy();
    }
    this.held.clear();
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Tokens as Google's code exchange gives them (access token for an hour, a refresh token). */
  grant(): { accessToken: string; refreshToken: string; expiresAt: Date } {
    const refreshToken = `1//rt-${randomBytes(12).toString('hex')}`;
    this.refreshTokens.set(refreshToken, { revoked: false });
    return { ...this.issueAccessToken(), refreshToken };
  }

  /** Every access token expires now (the next call answers 401; a refresh gets a new one). */
  expireAccessTokens(): void {
    this.accessTokens.forEach((token) => (token.expiresAt = 0));
  }

  /** The person removed the app's access (https://myaccount.google.com/permissions): every token is refused. */
  revokeAll(): void {
    this.accessTokens.forEach((token) => (token.revoked = true));
    this.refreshTokens.forEach((token) => (token.revoked = true));
  }

  /** The next request of this kind (after `skip` of them are served) gets the fault. */
  fail(target: Target, fault: YouTubeFault, skip = 0): void {
    this.faults.push({ target, fault, skip });
  }

  pendingFaults(): number {
    return this.faults.length;
  }

  /** Every open upload session expires (Google keeps them about a week). */
  expireSessions(): void {
    this.sessions.forEach((session) => (session.expired = true));
  }

  /** The next uploaded video fails processing (or is rejected) with this reason. */
  failNextProcessing(reason: string, status: 'failed' | 'rejected' = 'failed'): void {
    this.nextFailure = { reason, status };
  }

  /** Videos on the channel (not deleted), as the kit counts posts: the description is the post's text. */
  liveVideos(): FakeVideo[] {
    return this.videos.filter((video) => !video.deleted);
  }

  videosWithTitle(title: string): FakeVideo[] {
    return this.liveVideos().filter((video) => video.snippet.title === title);
  }

  /** Someone comments on a video (a top-level comment), or replies to a comment. */
  addComment(
    videoId: string,
    text: string,
    author = 'Reader',
    parentId?: string,
    at = new Date(),
  ): FakeComment {
    const comment: FakeComment = {
      id: `Ug${randomBytes(9).toString('base64url')}${parentId ? `.${randomBytes(4).toString('hex')}` : ''}`,
      videoId,
      parentId,
      authorChannelId: `UCreader${randomBytes(8).toString('hex')}`.slice(0, 24),
      authorDisplayName: author,
      text,
      publishedAt: at.toISOString(),
    };
    this.comments.push(comment);
    return comment;
  }

  /** A video already on the channel (uploaded elsewhere), processed. */
  seedVideo(title: string): FakeVideo {
    const video = this.createVideo(
      { snippet: { title, description: '', tags: [] }, status: { privacyStatus: 'public' } },
      1,
      'video/mp4',
    );
    video.status.uploadStatus = 'processed';
    video.pollsLeft = 0;
    return video;
  }

  private issueAccessToken(): { accessToken: string; expiresAt: Date } {
    const accessToken = `ya29.${randomBytes(16).toString('hex')}`;
    const expiresAt = new Date(Date.now() + 3_599_000);
    this.accessTokens.set(accessToken, { expiresAt: expiresAt.getTime(), revoked: false });
    return { accessToken, expiresAt };
  }

  private send(
    res: ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ): void {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(text ? { 'content-type': 'application/json; charset=UTF-8' } : {}),
      ...headers,
    });
    res.end(text);
  }

  private refuse(res: ServerResponse, status: number, reason: string, message: string): void {
    this.send(res, status, googleError(status, reason, message));
  }

  private targetOf(method: string, path: string, req: IncomingMessage): Target {
    if (path === '/upload/youtube/v3/videos') {
      if (method === 'POST') {
        return 'insert';
      }
      return /^bytes \*\//.test(req.headers['content-range'] ?? '') ? 'status-query' : 'chunk';
    }
    if (path === '/upload/youtube/v3/thumbnails/set') {
      return 'thumbnail';
    }
    if (method === 'POST' && path === '/youtube/v3/comments') {
      return 'comment';
    }
    return method === 'DELETE' ? 'delete' : 'list';
  }

  private handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/token') {
      return this.token(res, new URLSearchParams(raw.toString('utf8')));
    }
    const target = this.targetOf(method, url.pathname, req);
    const index = this.faults.findIndex((entry) => entry.target === target);
    let fault: YouTubeFault | undefined;
    if (index >= 0 && this.faults[index].skip > 0) {
      this.faults[index].skip -= 1;
    } else if (index >= 0) {
      fault = this.faults.splice(index, 1)[0].fault;
    }
    if (fault?.kind === 'hang') {
      this.held.add(res);
      return;
    }
    if (fault?.kind === 'answer') {
      return this.send(
        res,
        fault.status,
        googleError(fault.status, fault.reason ?? 'backendError', fault.message ?? 'injected'),
        fault.headers,
      );
    }
    if (fault) {
      // Processed, but the answer never arrives: the socket dies (lose-answer) or stays silent (hang-after).
      const silent = { writeHead: () => silent, end: () => silent } as unknown as ServerResponse;
      this.route(req, url, method, raw, silent);
      if (fault.kind === 'lose-answer') {
        req.socket.destroy();
      } else {
        this.held.add(res);
      }
      return;
    }
    this.route(req, url, method, raw, res);
  }

  private token(res: ServerResponse, form: URLSearchParams): void {
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return this.send(res, 401, {
        error: 'invalid_client',
        error_description: 'The OAuth client was not found.',
      });
    }
    if (form.get('grant_type') !== 'refresh_token') {
      return this.send(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'Invalid grant_type',
      });
    }
    const held = this.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!held || held.revoked) {
      return this.send(res, 400, {
        error: 'invalid_grant',
        error_description: 'Token has been expired or revoked.',
      });
    }
    this.counts.tokenRefreshes += 1;
    const { accessToken } = this.issueAccessToken();
    this.send(res, 200, {
      access_token: accessToken,
      expires_in: 3599,
      scope:
        'https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube.force-ssl https://www.googleapis.com/auth/youtube.readonly',
      token_type: 'Bearer',
    });
  }

  private authorized(req: IncomingMessage): boolean {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const held = this.accessTokens.get(token);
    return Boolean(held && !held.revoked && held.expiresAt > Date.now());
  }

  private route(req: IncomingMessage, url: URL, method: string, raw: Buffer, res: ServerResponse): void {
    const path = url.pathname;
    const sessionId = url.searchParams.get('upload_id');
    if (!this.authorized(req)) {
      return this.refuse(
        res,
        401,
        'authError',
        'Request had invalid authentication credentials. Expected OAuth 2 access token.',
      );
    }
    if (path === '/upload/youtube/v3/videos' && method === 'PUT' && sessionId) {
      return this.chunk(req, res, sessionId, raw);
    }
    let body: unknown;
    const isJson = (req.headers['content-type'] ?? '').startsWith('application/json');
    if (isJson && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return this.refuse(res, 400, 'parseError', 'Parse Error');
      }
    }
    const { method: found, problems } = checkRequest(method, path, url.searchParams, body);
    if (!found || problems.length > 0) {
      this.violations.push(...problems);
      return found
        ? this.refuse(res, 400, 'invalidParameter', problems.join('; '))
        : this.refuse(res, 404, 'notFound', problems.join('; '));
    }
    this.units[found.id] = (this.units[found.id] ?? 0) + (COSTS[found.id] ?? 1);
    const q = url.searchParams;
    switch (found.id) {
      case 'youtube.videos.insert':
        return this.insert(req, res, q, body);
      case 'youtube.videos.list':
        return this.listVideos(res, q);
      case 'youtube.videos.delete':
        return this.deleteVideo(res, q.get('id') ?? '');
      case 'youtube.thumbnails.set':
        return this.thumbnail(req, res, q.get('videoId') ?? '', raw);
      case 'youtube.channels.list':
        return this.channels(res, q);
      case 'youtube.playlistItems.list':
        return this.playlistItems(res, q);
      case 'youtube.commentThreads.list':
        return this.commentThreads(res, q);
      case 'youtube.comments.list':
        return this.listComments(res, q);
      case 'youtube.comments.insert':
        return this.insertComment(res, body);
      default:
        return this.refuse(res, 404, 'notFound', `${found.id} is not served by this fake`);
    }
  }

  private metadataProblem(body: {
    snippet?: Record<string, unknown>;
    status?: Record<string, unknown>;
  }): string | undefined {
    const title = body.snippet?.title;
    const description = (body.snippet?.description as string | undefined) ?? '';
    if (typeof title !== 'string' || !title.trim()) {
      return 'invalidTitle: The request metadata specifies an invalid or empty video title.';
    }
    if (graphemes(title) > 100 || /[<>]/.test(title)) {
      return 'invalidTitle: The request metadata specifies an invalid video title.';
    }
    if (Buffer.byteLength(description, 'utf8') > 5000 || /[<>]/.test(description)) {
      return 'invalidDescription: The request metadata specifies an invalid video description.';
    }
    const tags = (body.snippet?.tags as string[] | undefined) ?? [];
    const tagsLength =
      tags.reduce((sum, tag) => sum + tag.length + (tag.includes(' ') ? 2 : 0), 0) +
      Math.max(0, tags.length - 1);
    if (tagsLength > 500) {
      return 'invalidTags: The request metadata specifies invalid video keywords.';
    }
    if (body.status?.publishAt !== undefined && body.status.privacyStatus !== 'private') {
      return 'invalidPublishAt: The request metadata specifies an invalid scheduled publishing time.';
    }
    return undefined;
  }

  private insert(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, body: unknown): void {
    if (query.get('uploadType') !== 'resumable') {
      this.violations.push('videos.insert without uploadType=resumable');
      return this.refuse(res, 400, 'invalidParameter', 'this fake serves resumable uploads only');
    }
    const size = Number(req.headers['x-upload-content-length']);
    const contentType = String(req.headers['x-upload-content-type'] ?? '');
    if (!Number.isInteger(size) || size < 0 || !/^video\//.test(contentType)) {
      this.violations.push(
        `videos.insert: X-Upload-Content-Length "${String(req.headers['x-upload-content-length'])}" / X-Upload-Content-Type "${contentType}"`,
      );
      return this.refuse(
        res,
        400,
        'invalidParameter',
        'X-Upload-Content-Length and X-Upload-Content-Type (video/*) are required',
      );
    }
    const metadata = (body ?? {}) as Session['metadata'];
    const problem = this.metadataProblem(metadata);
    if (problem) {
      const [reason, message] = problem.split(': ');
      return this.refuse(res, 400, reason, message);
    }
    const id = randomBytes(12).toString('base64url');
    this.sessions.set(id, { id, size, contentType, metadata, received: 0, expired: false });
    this.counts.sessions += 1;
    this.send(res, 200, undefined, {
      location: `${this.uploadBaseUrl ?? this.baseUrl}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}`,
      'x-guploader-uploadid': id,
    });
  }

  private chunk(req: IncomingMessage, res: ServerResponse, id: string, raw: Buffer): void {
    const session = this.sessions.get(id);
    if (!session || session.expired) {
      return this.refuse(res, 404, 'notFound', 'The upload session was not found or has expired.');
    }
    const video = session.videoId
      ? this.videos.find((candidate) => candidate.id === session.videoId)
      : undefined;
    if (video) {
      return this.send(res, 200, this.resourceOf(video, ['snippet', 'status']));
    }
    const range = req.headers['content-range'] ?? '';
    const incomplete = () =>
      this.send(
        res,
        308,
        undefined,
        session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {},
      );
    if (/^bytes \*\/\d+$/.test(range)) {
      this.counts.statusQueries += 1;
      return incomplete();
    }
    const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range);
    if (!match || Number(match[3]) !== session.size) {
      this.violations.push(`upload chunk with Content-Range "${range}" (size ${session.size})`);
      return this.refuse(res, 400, 'badContent', 'Content-Range does not match the upload');
    }
    const [start, end] = [Number(match[1]), Number(match[2])];
    const length = end - start + 1;
    const last = end + 1 === session.size;
    if (raw.length !== length || (!last && length % CHUNK !== 0)) {
      this.violations.push(
        `upload chunk ${range}: ${raw.length} bytes; all but the last must be a multiple of 256 KiB`,
      );
      return this.refuse(res, 400, 'badContent', 'chunk size');
    }
    this.counts.chunks += 1;
    if (start !== session.received) {
      // A chunk from the wrong offset is not taken; the answer says what arrived.
      this.violations.push(`upload chunk at ${start}, but ${session.received} bytes had arrived`);
      return incomplete();
    }
    session.received = end + 1;
    if (!last) {
      return incomplete();
    }
    const created = this.createVideo(session.metadata, session.size, session.contentType);
    session.videoId = created.id;
    this.send(res, 201, this.resourceOf(created, ['snippet', 'status']));
  }

  private createVideo(metadata: Session['metadata'], bytes: number, contentType: string): FakeVideo {
    this.sequence += 1;
    const failure = this.nextFailure;
    this.nextFailure = undefined;
    const video: FakeVideo = {
      id: `${randomBytes(8).toString('base64url').slice(0, 10)}${this.sequence % 10}`,
      snippet: {
        title: textOf(metadata.snippet?.title, ''),
        description: textOf(metadata.snippet?.description, ''),
        tags: (metadata.snippet?.tags as string[] | undefined) ?? [],
        categoryId: textOf(metadata.snippet?.categoryId, '22'),
        publishedAt: new Date().toISOString(),
      },
      status: {
        ...(metadata.status ?? {}),
        privacyStatus: textOf(metadata.status?.privacyStatus, 'public'),
        uploadStatus: 'uploaded',
        ...(failure ? { pendingFailure: failure } : {}),
      },
      bytes,
      contentType,
      pollsLeft: this.processingPolls,
      deleted: false,
      statistics: { viewCount: 0, likeCount: 0, commentCount: 0 },
    };
    this.videos.push(video);
    return video;
  }

  private resourceOf(video: FakeVideo, parts: string[]): Record<string, unknown> {
    const { pendingFailure: _pending, ...status } = video.status;
    return {
      kind: 'youtube#video',
      etag: `etag-${video.id}`,
      id: video.id,
      ...(parts.includes('snippet')
        ? { snippet: { ...video.snippet, channelId: this.channelId, channelTitle: this.channelTitle } }
        : {}),
      ...(parts.includes('status') ? { status } : {}),
      ...(parts.includes('processingDetails')
        ? {
            processingDetails: {
              processingStatus:
                video.status.uploadStatus === 'uploaded'
                  ? 'processing'
                  : video.status.uploadStatus === 'processed'
                    ? 'succeeded'
                    : 'failed',
              ...(video.status.uploadStatus === 'uploaded'
                ? { processingProgress: { partsTotal: '10', partsProcessed: '5', timeLeftMs: '1000' } }
                : {}),
            },
          }
        : {}),
      ...(parts.includes('statistics')
        ? {
            statistics: {
              viewCount: String(video.statistics.viewCount),
              likeCount: String(video.statistics.likeCount),
              favoriteCount: '0',
              commentCount: String(video.statistics.commentCount),
            },
          }
        : {}),
    };
  }

  private listVideos(res: ServerResponse, query: URLSearchParams): void {
    const parts = (query.get('part') ?? '').split(',');
    const ids = (query.get('id') ?? '').split(',').filter(Boolean);
    if (ids.length > 50) {
      this.violations.push('videos.list with more than 50 ids');
    }
    const items = this.liveVideos().filter((video) => ids.includes(video.id));
    if (parts.includes('status') || parts.includes('processingDetails')) {
      for (const video of items) {
        if (video.status.uploadStatus === 'uploaded' && --video.pollsLeft <= 0) {
          const failure = video.status.pendingFailure as
            { reason: string; status: 'failed' | 'rejected' } | undefined;
          video.status.uploadStatus = failure ? failure.status : 'processed';
          if (failure) {
            video.status[failure.status === 'failed' ? 'failureReason' : 'rejectionReason'] = failure.reason;
          }
        }
      }
    }
    this.send(res, 200, {
      kind: 'youtube#videoListResponse',
      etag: 'etag',
      items: items.map((video) => this.resourceOf(video, parts)),
      pageInfo: { totalResults: items.length, resultsPerPage: items.length },
    });
  }

  private deleteVideo(res: ServerResponse, id: string): void {
    const video = this.liveVideos().find((candidate) => candidate.id === id);
    if (!video) {
      return this.refuse(
        res,
        404,
        'videoNotFound',
        'The video that you are trying to delete cannot be found.',
      );
    }
    video.deleted = true;
    video.status.uploadStatus = 'deleted';
    this.send(res, 204);
  }

  private thumbnail(req: IncomingMessage, res: ServerResponse, videoId: string, raw: Buffer): void {
    const video = this.liveVideos().find((candidate) => candidate.id === videoId);
    const type = req.headers['content-type'] ?? '';
    if (!video) {
      return this.refuse(
        res,
        404,
        'videoNotFound',
        'The video that you are trying to update cannot be found.',
      );
    }
    if (this.thumbnailsForbidden) {
      return this.refuse(res, 403, 'forbidden', 'The thumbnail can\u2019t be set for the specified video.');
    }
    if (!['image/jpeg', 'image/png', 'application/octet-stream'].includes(type) || raw.length === 0) {
      return this.refuse(res, 400, 'invalidImage', 'The provided image content is invalid.');
    }
    if (raw.length > 2_097_152) {
      return this.refuse(res, 400, 'mediaBodyTooLarge', 'The image is larger than 2 MB.');
    }
    video.thumbnail = { bytes: raw.length, contentType: type };
    this.send(res, 200, {
      kind: 'youtube#thumbnailSetResponse',
      items: [{ default: { url: `https://i.ytimg.com/vi/${videoId}/default.jpg`, width: 120, height: 90 } }],
    });
  }

  private channels(res: ServerResponse, query: URLSearchParams): void {
    const parts = (query.get('part') ?? '').split(',');
    const mine = query.get('mine') === 'true';
    const match = mine || (query.get('id') ?? '').split(',').includes(this.channelId);
    const views = this.liveVideos().reduce((sum, video) => sum + video.statistics.viewCount, 0);
    const items = match
      ? [
          {
            kind: 'youtube#channel',
            id: this.channelId,
            ...(parts.includes('snippet')
              ? {
                  snippet: {
                    title: this.channelTitle,
                    description: 'Coffee, roasted slowly.',
                    customUrl: '@acmecoffee',
                  },
                }
              : {}),
            ...(parts.includes('statistics')
              ? {
                  statistics: {
                    viewCount: String(views),
                    subscriberCount: '1234',
                    hiddenSubscriberCount: false,
                    videoCount: String(this.liveVideos().length),
                  },
                }
              : {}),
            ...(parts.includes('contentDetails')
              ? {
                  contentDetails: {
                    relatedPlaylists: { likes: '', uploads: `UU${this.channelId.slice(2)}` },
                  },
                }
              : {}),
          },
        ]
      : [];
    this.send(res, 200, {
      kind: 'youtube#channelListResponse',
      items,
      pageInfo: { totalResults: items.length, resultsPerPage: 5 },
    });
  }

  private playlistItems(res: ServerResponse, query: URLSearchParams): void {
    const uploads = `UU${this.channelId.slice(2)}`;
    const max = Number(query.get('maxResults') ?? 5);
    const items =
      query.get('playlistId') === uploads
        ? this.liveVideos()
            .slice()
            .reverse()
            .slice(0, max)
            .map((video) => ({
              kind: 'youtube#playlistItem',
              id: `PI${video.id}`,
              contentDetails: { videoId: video.id },
            }))
        : [];
    this.send(res, 200, { kind: 'youtube#playlistItemListResponse', items });
  }

  private commentResource(comment: FakeComment): Record<string, unknown> {
    return {
      kind: 'youtube#comment',
      id: comment.id,
      snippet: {
        channelId: this.channelId,
        videoId: comment.videoId,
        textDisplay: comment.text,
        textOriginal: comment.text,
        ...(comment.parentId ? { parentId: comment.parentId } : {}),
        authorDisplayName: comment.authorDisplayName,
        authorChannelId: { value: comment.authorChannelId },
        canRate: true,
        viewerRating: 'none',
        likeCount: 0,
        publishedAt: comment.publishedAt,
        updatedAt: comment.publishedAt,
      },
    };
  }

  private commentThreads(res: ServerResponse, query: URLSearchParams): void {
    if (query.get('allThreadsRelatedToChannelId') !== this.channelId) {
      return this.send(res, 200, { kind: 'youtube#commentThreadListResponse', items: [] });
    }
    const videoIds = new Set(this.liveVideos().map((video) => video.id));
    const tops = this.comments
      .filter((comment) => !comment.parentId && videoIds.has(comment.videoId))
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
    const max = Number(query.get('maxResults') ?? 20);
    const start = Number(query.get('pageToken') ?? 0);
    const page = tops.slice(start, start + max);
    const items = page.map((top) => {
      const replies = this.comments.filter((comment) => comment.parentId === top.id);
      return {
        kind: 'youtube#commentThread',
        id: top.id,
        snippet: {
          channelId: this.channelId,
          videoId: top.videoId,
          topLevelComment: this.commentResource(top),
          canReply: true,
          totalReplyCount: replies.length,
          isPublic: true,
        },
        // commentThreads.list returns at most five replies per thread (docs/commentThreads#replies.comments[]).
        ...(replies.length > 0
          ? { replies: { comments: replies.slice(0, 5).map((reply) => this.commentResource(reply)) } }
          : {}),
      };
    });
    this.send(res, 200, {
      kind: 'youtube#commentThreadListResponse',
      items,
      ...(start + max < tops.length ? { nextPageToken: String(start + max) } : {}),
      pageInfo: { totalResults: items.length, resultsPerPage: max },
    });
  }

  private listComments(res: ServerResponse, query: URLSearchParams): void {
    const parentId = query.get('parentId');
    const items = this.comments
      .filter((comment) => parentId && comment.parentId === parentId)
      .map((comment) => this.commentResource(comment));
    this.send(res, 200, { kind: 'youtube#commentListResponse', items });
  }

  private insertComment(res: ServerResponse, body: unknown): void {
    const snippet = (body as { snippet?: { parentId?: string; textOriginal?: string } } | undefined)?.snippet;
    const parent = this.comments.find((comment) => comment.id === snippet?.parentId);
    if (!parent) {
      return this.refuse(
        res,
        404,
        'parentCommentNotFound',
        'The specified parent comment could not be found.',
      );
    }
    if (parent.parentId) {
      return this.refuse(res, 400, 'operationNotSupported', 'Replies to replies are not supported.');
    }
    if (!snippet?.textOriginal) {
      return this.refuse(
        res,
        400,
        'commentTextRequired',
        'The comment resource must contain a snippet.textOriginal.',
      );
    }
    const reply = this.addComment(parent.videoId, snippet.textOriginal, this.channelTitle, parent.id);
    Object.assign(reply, { authorChannelId: this.channelId });
    this.send(res, 200, this.commentResource(reply));
  }
}
