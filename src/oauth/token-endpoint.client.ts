import type {
  OAuthProvider,
  OAuthTokenResponse,
  OAuthTokens,
  OAuthTools,
  PluginHttpResponse,
} from '../plugin-sdk';

const TOKEN_TIMEOUT_MS = 15_000;

/**
 * The token endpoint refused or failed. `permanent`: asking again cannot help (RFC 6749 §5.2 `invalid_grant`: the
 * code or refresh token is expired, used or revoked — the channel needs connecting again; or another 4xx error
 * naming a configuration problem). Not permanent: a 5xx, a 429, a timeout or a network failure — try later.
 * The message carries the platform's `error` and `error_description`, never a token.
 */
export class TokenEndpointError extends Error {
  override name = 'TokenEndpointError';
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The RFC 6749 §5.2 error code, when the endpoint gave one. */
    readonly oauthError?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** RFC 6749 §4.1.3: the authorization code (and the PKCE verifier, RFC 7636 §4.5) for tokens. */
export function exchangeCode<Options>(
  provider: OAuthProvider<Options>,
  tools: OAuthTools<Options>,
  grant: { code: string; redirectUri: string; codeVerifier?: string },
): Promise<OAuthTokenResponse> {
  const fields: Record<string, string> = {
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: grant.redirectUri,
  };
  if (grant.codeVerifier) {
    fields.code_verifier = grant.codeVerifier;
  }
  return postToTokenEndpoint(provider, tools, fields);
}

/** RFC 6749 §6: a refresh token for a new access token (and perhaps a new refresh token). */
export function refreshGrant<Options>(
  provider: OAuthProvider<Options>,
  tools: OAuthTools<Options>,
  refreshToken: string,
): Promise<OAuthTokenResponse> {
  return postToTokenEndpoint(provider, tools, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** The contract's default `complete`: `expires_in` → `expiresAt`, `scope` split (RFC 6749 §5.1). */
export function tokensFromResponse(
  response: OAuthTokenResponse,
  now: Date,
  previous?: OAuthTokens,
): OAuthTokens {
  const tokens: OAuthTokens = {
    accessToken: response.access_token,
    // RFC 6749 §6: the server MAY issue a new refresh token; without one, the old one stays valid.
    refreshToken: response.refresh_token ?? previous?.refreshToken,
    expiresAt: secondsAfter(now, response.expires_in),
    // LinkedIn's refresh_token_expires_in; without it, a kept refresh token keeps its known end.
    refreshExpiresAt:
      secondsAfter(now, response.refresh_token_expires_in) ??
      (response.refresh_token ? undefined : previous?.refreshExpiresAt),
    scopes: typeof response.scope === 'string' ? splitScopes(response.scope) : previous?.scopes,
    account: previous?.account,
  };
  return dropUndefined(tokens);
}

/** The contract's default `refresh`: the refresh_token grant at `tokenUrl`, when a refresh token is held. */
export async function defaultRefresh<Options>(
  provider: OAuthProvider<Options>,
  tokens: OAuthTokens,
  tools: OAuthTools<Options>,
): Promise<OAuthTokens> {
  if (!tokens.refreshToken) {
    throw new TokenEndpointError(
      `${provider.platform} gave no refresh token: the channel must be connected again before its access token expires`,
      true,
    );
  }
  const response = await refreshGrant(provider, tools, tokens.refreshToken);
  return tokensFromResponse(response, tools.clock.now(), tokens);
}

/** Scopes as granted: RFC 6749 separates them with spaces; LinkedIn and Meta answer with commas. */
export function splitScopes(scope: string): string[] {
  return scope.split(/[\s,]+/).filter((item) => item.length > 0);
}

async function postToTokenEndpoint<Options>(
  provider: OAuthProvider<Options>,
  tools: OAuthTools<Options>,
  fields: Record<string, string>,
): Promise<OAuthTokenResponse> {
  const url = provider.tokenUrl(tools.options);
  const place = `${provider.platform} token endpoint (${new URL(url).origin}${new URL(url).pathname})`;
  const client = provider.client(tools.options);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const body = new URLSearchParams(fields);
  if (provider.clientAuthentication === 'basic') {
    // RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic.
    const pair = `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret ?? '')}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    body.set(provider.clientIdParameter ?? 'client_id', client.id);
    if (client.secret !== undefined) {
      body.set('client_secret', client.secret);
    }
  }
  let response: PluginHttpResponse;
  try {
    response = await tools.http.request(url, {
      method: 'POST',
      headers,
      body: body.toString(),
      timeoutMs: TOKEN_TIMEOUT_MS,
    });
  } catch (error) {
    throw new TokenEndpointError(
      `${place}: ${(error as Error).message}; will try again later`,
      false,
      undefined,
      {
        cause: error,
      },
    );
  }
  return parseTokenAnswer(place, response.status, await response.text());
}

/**
 * RFC 6749 §5.1 (success) and §5.2 (error) answers; anything else is described without echoing a body. A success
 * whose token sits in `data[0]` (Instagram Login's documented code exchange: `{"data": [{"access_token", "user_id",
 * "permissions"}]}`) is accepted too: the whole body goes to the plugin's `complete`, which reads its own shape.
 */
export function parseTokenAnswer(place: string, status: number, text: string): OAuthTokenResponse {
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    const accessToken = body?.access_token ?? firstDataEntry(body)?.access_token;
    if (!body || typeof accessToken !== 'string' || accessToken === '') {
      throw new TokenEndpointError(
        `${place}: answered ${status} without an access_token (not an RFC 6749 token response): check tokenUrl in the plugin's oauth provider`,
        true,
      );
    }
    const response: OAuthTokenResponse = {
      ...body,
      access_token: accessToken,
      expires_in: numberOrUndefined(body.expires_in),
      refresh_token_expires_in: numberOrUndefined(body.refresh_token_expires_in),
    };
    return response;
  }
  const oauthError = typeof body?.error === 'string' ? body.error : undefined;
  const description =
    typeof body?.error_description === 'string' ? `: ${body.error_description.slice(0, 300)}` : '';
  if (status >= 500 || status === 429 || status === 408) {
    return throwing(
      new TokenEndpointError(
        `${place}: ${status}${oauthError ? ` ${oauthError}` : ''}${description}; will try again later`,
        false,
        oauthError,
      ),
    );
  }
  if (oauthError === 'invalid_grant') {
    throw new TokenEndpointError(
      `${place}: invalid_grant${description} (the grant is expired, used or revoked)`,
      true,
      oauthError,
    );
  }
  const fix =
    oauthError === 'invalid_client' || oauthError === 'unauthorized_client'
      ? "check the app's client id and secret in the channel's options"
      : "check the app's settings at the platform (redirect URL, scopes) and the channel's options";
  throw new TokenEndpointError(
    `${place}: ${status}${oauthError ? ` ${oauthError}` : ''}${description}: ${fix}`,
    true,
    oauthError,
  );
}

/** `data[0]` of a body that wraps its token answer in a `data` array, when it is an object. */
function firstDataEntry(body: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const first: unknown = Array.isArray(body?.data) ? body.data[0] : undefined;
  return first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
}

function throwing(error: Error): never {
  throw error;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function numberOrUndefined(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

function secondsAfter(now: Date, seconds: number | undefined): Date | undefined {
  return seconds === undefined ? undefined : new Date(now.getTime() + seconds * 1000);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}
