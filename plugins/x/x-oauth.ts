import {
  defineOAuthProvider,
  needsReconnect,
  PermanentError,
  transientFailure,
  z,
  type OAuthTokenResponse,
  type OAuthTokens,
  type OAuthTools,
} from '../../src/plugin-sdk';
import type { XOptions } from './x-options.schema';

/** Posting, reading the account's posts and mentions, uploading media, and a refresh token (offline.access). */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access', 'media.write'];

export const tokenUrlOf = (options: XOptions): string =>
  `${options.apiUrl.replace(/\/$/, '')}/2/oauth2/token`;

/** The token endpoint's answer as the channel's tokens (X: a 2-hour access token; the refresh token rotates). */
export function tokensOf(response: OAuthTokenResponse, now: Date, previous?: OAuthTokens): OAuthTokens {
  if (typeof response.access_token !== 'string' || response.access_token === '') {
    throw new Error('plugin x: the token endpoint answered without an access_token');
  }
  return {
    accessToken: response.access_token,
    // X answers a NEW refresh token on every refresh and the old one stops working: keep the new one.
    refreshToken:
      typeof response.refresh_token === 'string' && response.refresh_token !== ''
        ? response.refresh_token
        : previous?.refreshToken,
    expiresAt:
      typeof response.expires_in === 'number' && response.expires_in > 0
        ? new Date(now.getTime() + response.expires_in * 1000)
        : undefined,
    scopes:
      typeof response.scope === 'string' ? response.scope.split(/\s+/).filter(Boolean) : previous?.scopes,
    account: previous?.account,
  };
}

const Me = z.object({
  data: z.object({ id: z.string().regex(/^[0-9]{1,19}$/), username: z.string().min(1).optional() }),
});

/** Who the token speaks for (`GET /2/users/me`): the account's id and @username. */
async function accountOf(tokens: OAuthTokens, tools: OAuthTools<XOptions>): Promise<Record<string, string>> {
  const response = await tools.http.request(`${tools.options.apiUrl.replace(/\/$/, '')}/2/users/me`, {
    headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
    timeoutMs: tools.options.timeoutMs,
  });
  if (response.status !== 200) {
    throw needsReconnect(
      `X answered ${response.status} while reading the connected account (GET /2/users/me): connect again and grant every permission the consent page asks for (users.read among them)`,
    );
  }
  const me = Me.safeParse(await response.json().catch(() => undefined));
  if (!me.success) {
    throw needsReconnect('X /2/users/me answered no numeric account id: connect the channel again');
  }
  return {
    id: me.data.data.id,
    ...(me.data.data.username ? { username: me.data.data.username } : {}),
  };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/**
 * X's OAuth 2.0 Authorization Code Flow with PKCE (https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code):
 * consent at x.com/i/oauth2/authorize with PKCE S256, the code exchanged at api.x.com/2/oauth2/token by a
 * confidential client (HTTP Basic with the client id and secret). Access tokens last 2 hours; `offline.access` gives
 * a refresh token, which X replaces on every refresh.
 */
export const xOAuth = defineOAuthProvider<XOptions>({
  platform: 'X',
  authorizationUrl: (options) => options.authorizeUrl,
  tokenUrl: tokenUrlOf,
  scopes: () => X_SCOPES,
  scopeSeparator: ' ',
  pkce: true,
  clientAuthentication: 'basic',
  client: (options) => {
    if (!options.clientId || !options.clientSecret) {
      throw new PermanentError(
        'plugin x: set options.clientId and options.clientSecret (developer.x.com → your app → Keys and tokens → OAuth 2.0 Client ID and Client Secret), written as "${env:…}", to connect the channel',
      );
    }
    return { id: options.clientId, secret: options.clientSecret };
  },
  async complete(response, tools) {
    const tokens = tokensOf(response, tools.clock.now());
    return { ...tokens, account: await accountOf(tokens, tools) };
  },
  async refresh(tokens, tools) {
    if (!tokens.refreshToken) {
      throw needsReconnect(
        'X gave no refresh token (the offline.access scope was not granted): reconnect the channel with `metronome channels connect`',
      );
    }
    const { id, secret } = xOAuth.client(tools.options);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
      client_id: id,
    });
    const response = await tools.http.request(tokenUrlOf(tools.options), {
      method: 'POST',
      headers: {
        authorization: basic(id, secret ?? ''),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
      timeoutMs: tools.options.timeoutMs,
    });
    const body = (await response.json<Record<string, unknown>>().catch(() => ({}))) as Record<
      string,
      unknown
    >;
    if (response.status === 400 || response.status === 401) {
      const reason = [body.error, body.error_description]
        .filter((part) => typeof part === 'string')
        .join(': ');
      throw needsReconnect(
        `X refused to renew the token (${reason || response.status}): the account revoked the app, or the refresh token was already used; reconnect the channel with \`metronome channels connect\``,
      );
    }
    if (response.status !== 200) {
      throw transientFailure(`X's token endpoint answered ${response.status} while renewing the token`);
    }
    return tokensOf(body as OAuthTokenResponse, tools.clock.now(), tokens);
  },
});
