import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { OpenApiRequestValidator } from './openapi/openapi-request-validator';

/**
 * A contract FAKE of Pinterest API v5 (not Pinterest), written from Pinterest's documentation and its published
 * OpenAPI description:
 * - API description: https://github.com/pinterest/api-description (v5/openapi.json, release 5.23.0), trimmed in
 *   test/fakes/specs/pinterest.openapi.json: EVERY request the connector sends is validated against it (unknown
 *   path, missing or unknown query parameter, body not matching the schema: 400 and a problem in `specProblems`).
 * - Create Pin (`POST /v5/pins` → 201 Pin; PinCreate: board_id, board_section_id, title ≤ 100, description ≤ 800,
 *   link ≤ 2048, alt_text ≤ 500, media_source image_base64 | image_url | multiple_image_base64 |
 *   multiple_image_urls with 2–5 items; base64 content_type image/jpeg or image/png), List Pins on a board
 *   (`GET /v5/boards/{board_id}/pins`, page_size ≤ 250 and bookmark), Delete Pin (`DELETE /v5/pins/{pin_id}` → 204,
 *   404 code 50 "Pin not found."): https://developers.pinterest.com/docs/api/v5/pins-create/ and the description.
 * - User account (`GET /v5/user_account`: username, business_name, about, website_url, follower_count) and
 *   analytics (`GET /v5/user_account/analytics`, `GET /v5/pins/{pin_id}/analytics`: start_date/end_date,
 *   metric_types; an object of splits, "all" without one, each with daily_metrics [{ date, data_status, metrics }]).
 * - OAuth: https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/ and
 *   `POST /v5/oauth/token` in the description (HTTP Basic client authentication, form body; continuous refresh
 *   tokens: access 30 days, refresh 60 days, a new refresh token with every refresh).
 * - Errors: `{ code, message }` (Pinterest.Lib.Error); codes from the description's examples: 1 invalid
 *   parameters (400), 2 "Authentication failed." (401), 29 "You are not permitted to access that resource." (403),
 *   8 rate limit (429), 404 "Board not found.", 50 "Pin not found.".
 * - Rate limits: https://developers.pinterest.com/docs/reference/rate-limits/ (a 429's reset headers are NOT
 *   documented: the fake sends x-ratelimit-limit/-remaining and x-ratelimit-reset in seconds, rounded down — a guess).
 * - Video pins: https://developers.pinterest.com/docs/api-features/creating-boards-and-pins/#creating-video-pins
 *   (`POST /v5/media` { media_type: video } → media_id, upload_url, upload_parameters; a multipart/form-data POST of
 *   the fields and `file` to upload_url (Amazon S3: 204); `GET /v5/media/{media_id}` → status registered |
 *   processing | succeeded | failed; Create Pin with media_source { source_type: video_id, media_id }). The upload
 *   URL here is the fake's own `/upload/`, which refuses an Authorization header (a token must never go there).
 * Guesses, not verifiable without the live API: `created_at` without a zone offset (read as UTC), the list order
 * (newest first), the 401 for an expired token, the 429 headers.
 */

const ACCESS_TTL_S = 30 * 24 * 3600;
const REFRESH_TTL_S = 60 * 24 * 3600;
const SPEC = join(__dirname, 'specs', 'pinterest.openapi.json');

interface Grant {
  scopes: string[];
  revoked: boolean;
}

export interface FakePin {
  id: string;
  board_id: string;
  board_section_id?: string;
  title?: string;
  description?: string;
  link?: string;
  alt_text?: string;
  media_source: Record<string, unknown>;
  created_at: string;
}

export interface FakeFault {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Matcher = (method: string, path: string) => boolean;
const CREATES: Matcher = (method, path) => method === 'POST' && path === '/v5/pins';

export interface PinterestFakeOptions {
  clientId?: string;
  clientSecret?: string;
}

export class PinterestApiFake {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly boardId = '549755885175';
  readonly sectionId = '5027629787972154693';
  readonly otherBoardId = '549755885999';
  private server?: Server;
  private nextId = 1_000_000_000_000_000n;
  private readonly validator = OpenApiRequestValidator.fromFile(SPEC);
  private readonly codes = new Map<string, string[]>();
  private readonly tokens = new Map<string, { grant: Grant; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, { grant: Grant; expiresAt: number; spent: boolean }>();
  private readonly stored: FakePin[] = [];
  private readonly media = new Map<
    string,
    { uploaded: boolean; polls: number; bytes: number; failed: boolean }
  >();
  /** How many times GET /v5/media/{id} answers "processing" after the upload before "succeeded". */
  videoPollsUntilReady = 1;
  /** The next uploaded video fails processing. */
  failNextVideo = false;
  private readonly faults: Array<{ match: Matcher; fault: FakeFault | 'lose-answer' | 'hang' }> = [];
  /** Boards of the account, with their sections. */
  readonly boards = new Map<string, string[]>();
  account = {
    account_type: 'BUSINESS',
    id: '2783136121146311751',
    username: 'acmeroasters',
    business_name: 'Acme Roasters',
    about: 'Coffee roasted in small batches.',
    website_url: 'https://acme.example',
    follower_count: 812,
  };
  /** Daily metrics by day (account) and by pin id and day. */
  readonly accountMetrics = new Map<string, Record<string, number>>();
  readonly pinMetrics = new Map<string, Map<string, Record<string, number>>>();
  /** Requests the API description does not allow (should stay empty). */
  readonly specProblems: string[] = [];
  readonly requests: Array<{ method: string; path: string; query: Record<string, string> }> = [];
  readonly counts = { pinCreates: 0, refreshes: 0, tokenRequests: 0, deletes: 0 };

  constructor(options: PinterestFakeOptions = {}) {
    this.clientId = options.clientId ?? 'fake-app-id';
    this.clientSecret = options.clientSecret ?? 'fake-app-secret';
    this.boards.set(this.boardId, [this.sectionId]);
    this.boards.set(this.otherBoardId, []);
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

  /** The API root the connector is given (`apiUrl`). */
  get apiUrl(): string {
    return `${this.baseUrl}/v5`;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/v5/oauth/token`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // ---- test controls -------------------------------------------------------------------------------------------

  authorizationCode(scopes: string[]): string {
    const code = `code-${this.codes.size + 1}-${Math.random().toString(36).slice(2)}`;
    this.codes.set(code, scopes);
    return code;
  }

  /** Tokens as a code exchange gives them, without the round trip. */
  grant(scopes: string[]): {
    accessToken: string;
    refreshToken: string;
    expiresAt: Date;
    refreshExpiresAt: Date;
  } {
    const answer = this.issue({ scopes, revoked: false });
    return {
      accessToken: answer.access_token as string,
      refreshToken: answer.refresh_token as string,
      expiresAt: new Date(Date.now() + ACCESS_TTL_S * 1000),
      refreshExpiresAt: new Date(Date.now() + REFRESH_TTL_S * 1000),
    };
  }

  /** Every access token expires now (401 code 2); refresh tokens still work. */
  expireAccessTokens(): void {
    for (const token of this.tokens.values()) {
      token.expiresAt = Date.now() - 1;
    }
  }

  /** The account removes the app: access and refresh tokens stop working. */
  revoke(): void {
    for (const token of this.tokens.values()) {
      token.grant.revoked = true;
    }
  }

  failNext(fault: FakeFault, match: Matcher = CREATES): void {
    this.faults.push({ match, fault });
  }

  /** A 429 as Pinterest answers it, resetting in `seconds` (the header rounded down). */
  rateLimitNext(seconds: number, match: Matcher = CREATES): void {
    this.failNext(
      {
        status: 429,
        body: {
          code: 8,
          message:
            'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
        },
        headers: {
          'x-ratelimit-limit': '100',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(seconds)),
        },
      },
      match,
    );
  }

  /** The next matching create is carried out, then the connection drops before the answer. */
  loseNextAnswer(match: Matcher = CREATES): void {
    this.faults.push({ match, fault: 'lose-answer' });
  }

  /** The next matching request is read and never answered (nothing is created). */
  hangNext(match: Matcher = CREATES): void {
    this.faults.push({ match, fault: 'hang' });
  }

  pendingFaults(): number {
    return this.faults.length;
  }

  pins(): FakePin[] {
    return [...this.stored];
  }

  pinsWithDescription(description: string): number {
    return this.stored.filter((pin) => pin.description === description).length;
  }

  /** A pin made outside Metronome (in Pinterest itself). */
  seedPin(fields: Partial<FakePin> = {}): FakePin {
    return this.createPin({
      board_id: this.boardId,
      media_source: { source_type: 'image_url', url: 'https://example.com/a.jpg' },
      ...fields,
    });
  }

  // ---- the API -------------------------------------------------------------------------------------------------

  private answer(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    this.requests.push({ method, path, query });
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(
        status,
        body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      );
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const error = (status: number, code: number, message: string) => send(status, { code, message });

    if (path === '/upload/' && method === 'POST') {
      this.upload(req, raw, send);
      return;
    }
    if (!path.startsWith('/v5/')) {
      error(404, 404, `No resource at ${path}`);
      return;
    }
    const contentType = req.headers['content-type'];
    let body: unknown;
    if (raw.length > 0) {
      const text = raw.toString('utf8');
      if (contentType?.startsWith('application/x-www-form-urlencoded')) {
        body = Object.fromEntries(new URLSearchParams(text).entries());
      } else {
        try {
          body = JSON.parse(text);
        } catch {
          error(400, 1, 'Invalid JSON body.');
          return;
        }
      }
    }
    const problems = this.validator.check({
      method,
      path: path.slice('/v5'.length),
      query,
      body,
      contentType,
    });
    if (problems.length > 0) {
      this.specProblems.push(...problems);
      error(400, 1, `Invalid parameters. ${problems.join('; ')}`);
      return;
    }
    if (path === '/v5/oauth/token' && method === 'POST') {
      this.token(req, (body ?? {}) as Record<string, string>, send);
      return;
    }
    const token = this.bearer(req);
    if (!token || token.grant.revoked || token.expiresAt < Date.now()) {
      error(401, 2, 'Authentication failed.');
      return;
    }
    const scopes = token.grant.scopes;
    const denied = () => error(403, 29, 'You are not permitted to access that resource.');

    const faultAt = this.faults.findIndex((entry) => entry.match(method, path));
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0].fault : undefined;
    if (fault === 'hang') {
      return;
    }
    if (fault && fault !== 'lose-answer') {
      send(
        fault.status,
        fault.body ?? { code: fault.status, message: `injected ${fault.status}` },
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
    this.route(method, path, query, (body ?? {}) as Record<string, unknown>, scopes, reply, error, denied);
  }

  private route(
    method: string,
    path: string,
    query: Record<string, string>,
    body: Record<string, unknown>,
    scopes: string[],
    send: (status: number, body?: unknown, headers?: Record<string, string>) => void,
    error: (status: number, code: number, message: string) => void,
    denied: () => void,
  ): void {
    const has = (...needed: string[]) => needed.every((scope) => scopes.includes(scope));
    if (path === '/v5/pins' && method === 'POST') {
      if (!has('boards:read', 'pins:write')) {
        denied();
        return;
      }
      const boardId = body.board_id as string | undefined;
      const sections = boardId ? this.boards.get(boardId) : undefined;
      if (!sections) {
        error(404, 404, 'Board not found.');
        return;
      }
      const section = body.board_section_id as string | undefined;
      if (section && !sections.includes(section)) {
        error(404, 404, 'Board section not found.');
        return;
      }
      const media = body.media_source as Record<string, unknown> | undefined;
      const problem = media
        ? mediaProblem(media, (id) => this.videoProblem(id))
        : 'media_source is required.';
      if (problem) {
        error(400, 1, problem);
        return;
      }
      const pin = this.createPin({
        board_id: boardId as string,
        board_section_id: section,
        title: body.title as string | undefined,
        description: body.description as string | undefined,
        link: body.link as string | undefined,
        alt_text: body.alt_text as string | undefined,
        media_source: media as Record<string, unknown>,
      });
      this.counts.pinCreates += 1;
      send(201, this.view(pin));
      return;
    }
    if (path === '/v5/media' && method === 'POST') {
      if (!has('pins:write')) {
        denied();
        return;
      }
      this.nextId += 1n;
      const id = this.nextId.toString();
      this.media.set(id, { uploaded: false, polls: 0, bytes: 0, failed: false });
      send(201, {
        media_id: id,
        media_type: 'video',
        upload_url: `${this.baseUrl}/upload/`,
        upload_parameters: {
          'x-amz-date': '20261207T120000Z',
          'x-amz-signature': 'fake-signature',
          'x-amz-security-token': 'fake-token',
          'x-amz-algorithm': 'AWS4-HMAC-SHA256',
          key: `uploads/fake/${id}`,
          policy: 'ZmFrZQ==',
          'x-amz-credential': 'FAKE/20261207/us-east-1/s3/aws4_request',
          'Content-Type': 'multipart/form-data',
        },
      });
      return;
    }
    const mediaPath = /^\/v5\/media\/(\d+)$/.exec(path);
    if (mediaPath && method === 'GET') {
      const media = this.media.get(mediaPath[1]);
      if (!media) {
        error(404, 404, 'Media not found.');
        return;
      }
      let status = 'registered';
      if (media.uploaded) {
        status = media.failed
          ? 'failed'
          : media.polls >= this.videoPollsUntilReady
            ? 'succeeded'
            : 'processing';
        media.polls += 1;
      }
      send(200, { media_id: mediaPath[1], media_type: 'video', status });
      return;
    }
    const boardPins = /^\/v5\/boards\/(\d+)\/pins$/.exec(path);
    if (boardPins && method === 'GET') {
      if (!has('boards:read', 'pins:read')) {
        denied();
        return;
      }
      if (!this.boards.has(boardPins[1])) {
        error(404, 404, 'Board not found.');
        return;
      }
      const all = this.stored.filter((pin) => pin.board_id === boardPins[1]).reverse();
      const start = query.bookmark ? Number(Buffer.from(query.bookmark, 'base64').toString('utf8')) : 0;
      const size = Number(query.page_size ?? 25);
      const items = all.slice(start, start + size).map((pin) => this.view(pin));
      const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : null;
      send(200, { items, bookmark: next });
      return;
    }
    const pinPath = /^\/v5\/pins\/(\d+)$/.exec(path);
    if (pinPath) {
      const pin = this.stored.find((candidate) => candidate.id === pinPath[1]);
      if (method === 'DELETE' && !has('boards:read', 'pins:write')) {
        denied();
        return;
      }
      if (!pin) {
        error(404, 50, 'Pin not found.');
        return;
      }
      if (method === 'DELETE') {
        this.stored.splice(this.stored.indexOf(pin), 1);
        this.counts.deletes += 1;
        send(204);
        return;
      }
      send(200, this.view(pin));
      return;
    }
    if (path === '/v5/user_account' && method === 'GET') {
      if (!has('user_accounts:read')) {
        denied();
        return;
      }
      send(200, this.account);
      return;
    }
    const pinAnalytics = /^\/v5\/pins\/(\d+)\/analytics$/.exec(path);
    if ((path === '/v5/user_account/analytics' || pinAnalytics) && method === 'GET') {
      if (!has(pinAnalytics ? 'pins:read' : 'user_accounts:read')) {
        denied();
        return;
      }
      if (pinAnalytics && !this.stored.some((pin) => pin.id === pinAnalytics[1])) {
        error(404, 50, 'Pin not found.');
        return;
      }
      const byDay = pinAnalytics ? (this.pinMetrics.get(pinAnalytics[1]) ?? new Map()) : this.accountMetrics;
      const wanted = (query.metric_types ?? '').split(',').filter(Boolean);
      const daily = [];
      for (let day = query.start_date; day <= query.end_date; day = nextDay(day)) {
        const metrics = byDay.get(day);
        daily.push(
          metrics
            ? {
                date: day,
                data_status: 'READY',
                metrics: Object.fromEntries(
                  Object.entries(metrics).filter(([name]) => wanted.includes(name)),
                ),
              }
            : { date: day, data_status: 'PROCESSING' },
        );
      }
      send(200, { all: { daily_metrics: daily, summary_metrics: {} } });
      return;
    }
    error(404, 404, `No resource for ${method} ${path}`);
  }

  /** Create Pin with a video: it must be uploaded and processed. */
  private videoProblem(id: string): string | undefined {
    const media = this.media.get(id);
    if (!media?.uploaded) {
      return `Media ${id} was not uploaded.`;
    }
    return media.failed || media.polls <= this.videoPollsUntilReady ? `Media ${id} is not ready.` : undefined;
  }

  /** The upload URL (S3 in Pinterest's case): multipart fields, the key naming the media, the file last. */
  private upload(
    req: IncomingMessage,
    raw: Buffer,
    send: (status: number, body?: unknown, headers?: Record<string, string>) => void,
  ): void {
    const boundary = /boundary=([^;]+)/.exec(req.headers['content-type'] ?? '')?.[1];
    if (req.headers.authorization || !boundary) {
      send(400, { code: 'InvalidRequest', message: 'multipart/form-data without Authorization is expected' });
      return;
    }
    const body = raw.toString('latin1');
    const key = /name="key"\r\n\r\n([^\r]*)\r\n/.exec(body)?.[1] ?? '';
    const fileAt = body.indexOf('name="file"');
    const media = this.media.get(key.split('/').at(-1) ?? '');
    if (
      !media ||
      fileAt < 0 ||
      !body.includes('name="x-amz-signature"') ||
      fileAt < body.lastIndexOf('name="policy"')
    ) {
      send(400, { code: 'InvalidRequest', message: 'the signed fields, then the file, are expected' });
      return;
    }
    const start = body.indexOf('\r\n\r\n', fileAt) + 4;
    const end = body.lastIndexOf(`\r\n--${boundary}--`);
    media.bytes = end - start;
    media.uploaded = true;
    media.failed = this.failNextVideo;
    this.failNextVideo = false;
    send(204);
  }

  private createPin(fields: Omit<FakePin, 'id' | 'created_at'>): FakePin {
    this.nextId += 1n;
    const pin: FakePin = {
      ...fields,
      id: this.nextId.toString(),
      // As Pinterest shows it: seconds, no zone (UTC).
      created_at: new Date().toISOString().slice(0, 19),
    };
    this.stored.push(pin);
    return pin;
  }

  /** A pin as the API shows it: the media source is not echoed. */
  private view(pin: FakePin): Record<string, unknown> {
    const { media_source: source, ...rest } = pin;
    const type = source.source_type as string;
    return {
      ...rest,
      board_owner: { username: this.account.username },
      is_owner: true,
      creative_type: type === 'video_id' ? 'VIDEO' : type.startsWith('multiple') ? 'CAROUSEL' : 'REGULAR',
      media: {
        media_type: type === 'video_id' ? 'video' : type.startsWith('multiple') ? 'multiple_images' : 'image',
      },
    };
  }

  private token(
    req: IncomingMessage,
    form: Record<string, string>,
    send: (status: number, body?: unknown) => void,
  ): void {
    this.counts.tokenRequests += 1;
    const header = req.headers.authorization ?? '';
    const [id, secret] = header.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')
      : [];
    if (id !== this.clientId || secret !== this.clientSecret) {
      send(401, { code: 2, message: 'Authentication failed.' });
      return;
    }
    const invalid = () => send(400, { code: 1, message: 'Invalid refresh token.' });
    if (form.grant_type === 'authorization_code') {
      const scopes = this.codes.get(form.code ?? '');
      if (!scopes) {
        invalid();
        return;
      }
      this.codes.delete(form.code);
      send(200, { ...this.issue({ scopes, revoked: false }), response_type: 'authorization_code' });
      return;
    }
    if (form.grant_type === 'refresh_token') {
      const held = this.refreshTokens.get(form.refresh_token ?? '');
      if (!held || held.spent || held.grant.revoked || held.expiresAt < Date.now()) {
        invalid();
        return;
      }
      // Continuous refresh: the presented refresh token is replaced by a new one with a new 60 days.
      held.spent = true;
      this.counts.refreshes += 1;
      send(200, { ...this.issue(held.grant), response_type: 'refresh_token' });
      return;
    }
    send(400, { code: 1, message: 'Unsupported grant_type.' });
  }

  private issue(grant: Grant): Record<string, unknown> {
    const accessToken = `pina_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    const refreshToken = `pinr_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    const now = Date.now();
    this.tokens.set(accessToken, { grant, expiresAt: now + ACCESS_TTL_S * 1000 });
    this.refreshTokens.set(refreshToken, { grant, expiresAt: now + REFRESH_TTL_S * 1000, spent: false });
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ACCESS_TTL_S,
      scope: grant.scopes.join(','),
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_TTL_S,
      refresh_token_expires_at: Math.floor(now / 1000) + REFRESH_TTL_S,
    };
  }

  private bearer(req: IncomingMessage) {
    const value = req.headers.authorization;
    return value?.startsWith('Bearer ') ? this.tokens.get(value.slice('Bearer '.length)) : undefined;
  }
}

/** What Pinterest would refuse in a media source the description allows: unreadable images, wrong types. */
function mediaProblem(
  media: Record<string, unknown>,
  videoProblem: (id: string) => string | undefined,
): string | undefined {
  const image = (contentType: unknown, data: unknown) => {
    const bytes = Buffer.from(String(data), 'base64');
    const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    const jpeg = bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
    if ((contentType === 'image/png' && !png) || (contentType === 'image/jpeg' && !jpeg)) {
      return `The image is not a ${String(contentType)}.`;
    }
    return undefined;
  };
  switch (media.source_type) {
    case 'image_base64':
      return image(media.content_type, media.data);
    case 'multiple_image_base64':
      return (media.items as Array<{ content_type: unknown; data: unknown }>)
        .map((item) => image(item.content_type, item.data))
        .find(Boolean);
    case 'image_url':
    case 'multiple_image_urls':
      return undefined;
    case 'video_id':
      return videoProblem(media.media_id as string);
    default:
      return `media_source.source_type ${String(media.source_type)} is not supported by this fake.`;
  }
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
