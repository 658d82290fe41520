import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { RecordingHttpServer, type RecordedRequest } from './recording-http.server';

/**
 * A generic OAuth 2 authorization server, written from the specifications, for tests on 127.0.0.1:
 * - RFC 6749 "The OAuth 2.0 Authorization Framework", https://www.rfc-editor.org/rfc/rfc6749 —
 *   §4.1.1/§4.1.2 the authorization request and its redirect (code + state, or error + error_description + state),
 *   §4.1.3 the code exchange (redirect_uri must match, a code is single-use and short-lived: a reused code is
 *   refused and the tokens issued from it revoked), §2.3.1 client authentication (HTTP Basic or body fields),
 *   §5.1 the token answer (no-store), §5.2 errors (400 invalid_grant/invalid_request/unsupported_grant_type,
 *   401 invalid_client), §6 the refresh_token grant, §10.4 refresh token rotation.
 * - RFC 7636 "Proof Key for Code Exchange", https://www.rfc-editor.org/rfc/rfc7636 — §4.3 code_challenge
 *   and code_challenge_method=S256 on the authorization request, §4.6 the verifier checked at the token endpoint.
 *
 * "Consent" is automatic: GET /authorize answers 302 to the redirect_uri, as a platform does after the person
 * clicked Allow; `denyNext` makes it answer with error=access_denied instead.
 */
export interface OAuth2FakeOptions {
  clientId: string;
  clientSecret: string;
  redirectUris?: string[];
  /** Accept any http://127.0.0.1:<port>/… redirect (RFC 8252 §7.3 loopback redirects). */
  allowLoopback?: boolean;
  requirePkce?: boolean;
  clientAuthentication?: 'body' | 'basic';
  accessTokenSeconds?: number;
  /** Omit to issue no refresh tokens (a platform whose tokens cannot be renewed). */
  refreshTokenSeconds?: number;
  /** Issue no refresh tokens at all. */
  noRefreshTokens?: boolean;
  now?: () => Date;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  scope: string;
  expiresAt: number;
  used: boolean;
  /** Tokens issued from this code: revoked if the code is replayed (RFC 6749 §4.1.2). */
  issued: string[];
}

interface IssuedToken {
  kind: 'access' | 'refresh';
  scope: string;
  expiresAt?: number;
  revoked: boolean;
}

export class OAuth2ServerFake extends RecordingHttpServer {
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  private denial?: { error: string; description: string };
  private failures: number[] = [];
  /** Successful and refused token requests, by grant type. */
  readonly tokenRequests: Record<string, number> = {};
  /** How long the token endpoint waits before answering (a slow platform, for concurrency tests). */
  tokenDelayMs = 0;

  constructor(private readonly options: OAuth2FakeOptions) {
    super();
  }

  get authorizationUrl(): string {
    return `${this.baseUrl}/authorize`;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/token`;
  }

  /** The next consent is declined with this error (RFC 6749 §4.1.2.1). */
  denyNext(error = 'access_denied', description = 'The user declined'): void {
    this.denial = { error, description };
  }

  /** The next token requests fail with these HTTP statuses (a platform outage). */
  failNextTokenRequests(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  /** The person removed the app at the platform: every token is revoked. */
  revokeAll(): void {
    this.tokens.forEach((token) => (token.revoked = true));
  }

  /** Whether the platform would accept this access token now. */
  accepts(accessToken: string): boolean {
    const token = this.tokens.get(accessToken);
    return Boolean(
      token &&
      token.kind === 'access' &&
      !token.revoked &&
      (!token.expiresAt || token.expiresAt > this.nowMs()),
    );
  }

  protected respond(request: RecordedRequest, res: ServerResponse): void {
    const url = new URL(request.url, this.baseUrl);
    if (request.method === 'GET' && url.pathname === '/authorize') {
      return this.authorize(url.searchParams, res);
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      const grant = new URLSearchParams(request.body).get('grant_type') ?? '(none)';
      this.tokenRequests[grant] = (this.tokenRequests[grant] ?? 0) + 1;
      setTimeout(() => this.token(request, res), this.tokenDelayMs);
      return;
    }
    this.send(res, 404, { error: 'not_found' });
  }

  private authorize(params: URLSearchParams, res: ServerResponse): void {
    const clientId = params.get('client_id');
    const redirectUri = params.get('redirect_uri') ?? '';
    // §4.1.2.1: without a valid client or redirect URI the server must not redirect.
    if (clientId !== this.options.clientId || !this.redirectAllowed(redirectUri)) {
      return this.send(res, 400, 'invalid client_id or redirect_uri');
    }
    const state = params.get('state');
    const back = new URL(redirectUri);
    if (state) {
      back.searchParams.set('state', state);
    }
    const refuse = (error: string, description: string) => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      this.send(res, 302, '', { location: back.toString() });
    };
    if (params.get('response_type') !== 'code') {
      return refuse('unsupported_response_type', 'response_type must be code');
    }
    const challenge = params.get('code_challenge') ?? undefined;
    if (challenge && params.get('code_challenge_method') !== 'S256') {
      return refuse('invalid_request', 'code_challenge_method must be S256');
    }
    if (this.options.requirePkce && !challenge) {
      return refuse('invalid_request', 'code_challenge required');
    }
    if (this.denial) {
      const { error, description } = this.denial;
      this.denial = undefined;
      return refuse(error, description);
    }
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, {
      clientId,
      redirectUri,
      challenge,
      scope: params.get('scope') ?? '',
      expiresAt: this.nowMs() + 10 * 60_000,
      used: false,
      issued: [],
    });
    back.searchParams.set('code', code);
    this.send(res, 302, '', { location: back.toString() });
  }

  private token(request: RecordedRequest, res: ServerResponse): void {
    const failure = this.failures.shift();
    if (failure) {
      return this.send(res, failure, { error: 'temporarily_unavailable' });
    }
    const form = new URLSearchParams(request.body);
    if (!this.clientAuthenticated(request, form)) {
      return this.send(
        res,
        401,
        { error: 'invalid_client', error_description: 'client authentication failed' },
        { 'www-authenticate': 'Basic realm="fake"' },
      );
    }
    const refuse = (error: string, description: string) =>
      this.send(res, 400, { error, error_description: description }, { 'cache-control': 'no-store' });
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      if (!code || code.expiresAt <= this.nowMs()) {
        return refuse('invalid_grant', 'authorization code is invalid or expired');
      }
      if (code.used) {
        code.issued.forEach((token) => this.tokens.get(token) && (this.tokens.get(token)!.revoked = true));
        return refuse('invalid_grant', 'authorization code was already used');
      }
      code.used = true;
      if (form.get('redirect_uri') !== code.redirectUri) {
        return refuse('invalid_grant', 'redirect_uri does not match the authorization request');
      }
      if (code.challenge) {
        const verifier = form.get('code_verifier') ?? '';
        const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
        if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || computed !== code.challenge) {
          return refuse('invalid_grant', 'code_verifier does not match the code_challenge');
        }
      }
      const answer = this.issue(code.scope);
      code.issued.push(answer.access_token, ...(answer.refresh_token ? [answer.refresh_token] : []));
      return this.send(res, 200, answer, { 'cache-control': 'no-store', pragma: 'no-cache' });
    }
    if (grant === 'refresh_token') {
      const presented = form.get('refresh_token') ?? '';
      const held = this.tokens.get(presented);
      if (
        !held ||
        held.kind !== 'refresh' ||
        held.revoked ||
        (held.expiresAt && held.expiresAt <= this.nowMs())
      ) {
        return refuse('invalid_grant', 'refresh token is invalid, expired or revoked');
      }
      // §10.4 rotation: the presented refresh token is spent.
      held.revoked = true;
      return this.send(res, 200, this.issue(held.scope), { 'cache-control': 'no-store', pragma: 'no-cache' });
    }
    return refuse('unsupported_grant_type', `grant_type ${grant ?? '(none)'} is not supported`);
  }

  private issue(scope: string): { access_token: string; refresh_token?: string; [field: string]: unknown } {
    const now = this.nowMs();
    const accessToken = `at-${randomBytes(12).toString('hex')}`;
    const lifetime = this.options.accessTokenSeconds ?? 3600;
    this.tokens.set(accessToken, { kind: 'access', scope, expiresAt: now + lifetime * 1000, revoked: false });
    const answer: { access_token: string; refresh_token?: string; [field: string]: unknown } = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: lifetime,
      scope,
    };
    if (!this.options.noRefreshTokens) {
      const refreshToken = `rt-${randomBytes(12).toString('hex')}`;
      const refreshLifetime = this.options.refreshTokenSeconds;
      this.tokens.set(refreshToken, {
        kind: 'refresh',
        scope,
        expiresAt: refreshLifetime ? now + refreshLifetime * 1000 : undefined,
        revoked: false,
      });
      answer.refresh_token = refreshToken;
      if (refreshLifetime) {
        answer.refresh_token_expires_in = refreshLifetime;
      }
    }
    return answer;
  }

  private clientAuthenticated(request: RecordedRequest, form: URLSearchParams): boolean {
    const { clientId, clientSecret } = this.options;
    if (this.options.clientAuthentication === 'basic') {
      const header = request.headers.authorization ?? '';
      if (!header.startsWith('Basic ')) {
        return false;
      }
      const [id, secret] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      return decodeURIComponent(id ?? '') === clientId && decodeURIComponent(secret ?? '') === clientSecret;
    }
    return form.get('client_id') === clientId && form.get('client_secret') === clientSecret;
  }

  private redirectAllowed(uri: string): boolean {
    if (this.options.redirectUris?.includes(uri)) {
      return true;
    }
    return Boolean(this.options.allowLoopback && /^http:\/\/127\.0\.0\.1:\d+\//.test(uri));
  }

  private nowMs(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }
}
