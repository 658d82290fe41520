import {
  defineOAuthProvider,
  needsReconnect,
  PermanentError,
  transientFailure,
  type OAuthTokenResponse,
  type OAuthTokens,
  type OAuthTools,
} from '../../src/plugin-sdk';
import { apiRootOf, type PinterestOptions } from './pinterest-options.schema';

/** Reading boards and pins (lookup, metrics), creating and deleting pins, the account (followers, analytics). */
export const PINTEREST_SCOPES = ['boards:read', 'pins:read', 'pins:write', 'user_accounts:read'];

const at = (now: Date, seconds: unknown): Date | undefined =>
  typeof seconds === 'number' && seconds > 0 ? new Date(now.getTime() + seconds * 1000) : undefined;

/**
 * The token endpoint's answer as the channel's tokens. Pinterest's continuous refresh tokens
 * (https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/): a 30-day access
 * token and a 60-day refresh token, and every refresh answers a NEW refresh token with a new 60 days, so a channel
 * that is renewed at least every 60 days never needs reconnecting.
 */
export function tokensOf(response: OAuthTokenResponse, now: Date, previous?: OAuthTokens): OAuthTokens {
  if (typeof response.access_token !== 'string' || response.access_token === '') {
    throw new Error('plugin pinterest: the token endpoint answered without an access_token');
  }
  const refreshAt =
    typeof response.refresh_token_expires_at === 'number' && response.refresh_token_expires_at > 0
      ? new Date(response.refresh_token_expires_at * 1000)
      : at(now, response.refresh_token_expires_in);
  const fresh = typeof response.refresh_token === 'string' && response.refresh_token !== '';
  return {
    accessToken: response.access_token,
    refreshToken: fresh ? response.refresh_token : previous?.refreshToken,
    expiresAt: at(now, response.expires_in),
    refreshExpiresAt: refreshAt ?? (fresh ? undefined : previous?.refreshExpiresAt),
    scopes:
      typeof response.scope === 'string' ? response.scope.split(/[ ,]+/).filter(Boolean) : previous?.scopes,
    account: previous?.account,
  };
}

/** Who connected: `GET /v5/user_account` (username and id, shown in `channels list`). */
async function accountOf(
  tokens: OAuthTokens,
  tools: OAuthTools<PinterestOptions>,
): Promise<Record<string, string>> {
  const response = await tools.http.request(`${apiRootOf(tools.options)}/user_account`, {
    headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
    timeoutMs: tools.options.timeoutMs,
  });
  if (response.status !== 200) {
    throw needsReconnect(
      `Pinterest answered ${response.status} while reading the connected account: connect again and grant every permission the consent page asks for (${PINTEREST_SCOPES.join(', ')})`,
    );
  }
  const me = await response.json<{ username?: unknown; id?: unknown }>();
  const account: Record<string, string> = {};
  if (typeof me.username === 'string' && me.username !== '') {
    account.username = me.username;
  }
  if (typeof me.id === 'string' && me.id !== '') {
    account.id = me.id;
  }
  return account;
}

function client(options: PinterestOptions): { id: string; secret: string } {
  if (!options.clientId || !options.clientSecret) {
    throw new PermanentError(
      'plugin pinterest: set options.clientId and options.clientSecret (developers.pinterest.com → My apps → your app), written as "${env:…}", to connect the channel',
    );
  }
  return { id: options.clientId, secret: options.clientSecret };
}

/**
 * Pinterest's OAuth 2 (authorization code; the app authenticates at the token endpoint with HTTP Basic; scopes
 * comma-separated; no PKCE documented, so off).
 */
export const pinterestOAuth = defineOAuthProvider<PinterestOptions>({
  platform: 'Pinterest',
  authorizationUrl: (options) => options.authorizationUrl,
  tokenUrl: (options) => options.tokenUrl,
  scopes: () => PINTEREST_SCOPES,
  scopeSeparator: ',',
  pkce: false,
  clientAuthentication: 'basic',
  client,
  async complete(response, tools) {
    const tokens = tokensOf(response, tools.clock.now());
    return { ...tokens, account: await accountOf(tokens, tools) };
  },
  async refresh(tokens, tools) {
    if (!tokens.refreshToken) {
      throw needsReconnect(
        'Pinterest gave this channel no refresh token: reconnect the channel with `metronome channels connect`',
      );
    }
    const { id, secret } = client(tools.options);
    const response = await tools.http.request(tools.options.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${id}:${secret}`, 'utf8').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
      }).toString(),
      timeoutMs: tools.options.timeoutMs,
    });
    const body = (await response.json<Record<string, unknown>>().catch(() => ({}))) as Record<
      string,
      unknown
    >;
    if (response.status === 400 || response.status === 401) {
      const reason = [body.error, body.error_description, body.code, body.message]
        .filter((part) => typeof part === 'string' || typeof part === 'number')
        .join(': ');
      throw needsReconnect(
        `Pinterest refused to renew the token (${reason || response.status}): the account removed the app, or the refresh token was not used for 60 days; reconnect the channel with \`metronome channels connect\``,
      );
    }
    if (response.status !== 200) {
      throw transientFailure(
        `Pinterest's token endpoint answered ${response.status} while renewing the token`,
      );
    }
    return tokensOf(body as OAuthTokenResponse, tools.clock.now(), tokens);
  },
});
