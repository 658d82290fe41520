import {
  defineOAuthProvider,
  needsReconnect,
  PermanentError,
  transientFailure,
  type OAuthTokenResponse,
  type OAuthTokens,
  type OAuthTools,
} from '../../src/plugin-sdk';
import type { TikTokOptions } from './tiktok-options.schema';
import { TIKTOK_SCOPES } from './tiktok-version';

/** The token endpoint: code exchange and refresh (https://developers.tiktok.com/doc/oauth-user-access-token-management). */
export function tokenUrlOf(options: Pick<TikTokOptions, 'apiBaseUrl'>): string {
  return `${options.apiBaseUrl.replace(/\/$/, '')}/v2/oauth/token/`;
}

/**
 * TikTok's token answer as the channel's tokens: access 24 h (`expires_in`), refresh 365 days
 * (`refresh_expires_in`, TikTok's name, not LinkedIn's `refresh_token_expires_in`), scopes comma separated,
 * `open_id` the account. A refresh may hand out a new refresh token; without one the old one stays.
 */
export function tokensOf(response: OAuthTokenResponse, now: Date, previous?: OAuthTokens): OAuthTokens {
  if (typeof response.access_token !== 'string' || response.access_token === '') {
    throw new Error('plugin tiktok: the token endpoint answered without an access_token');
  }
  const at = (seconds: unknown) =>
    typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
      ? new Date(now.getTime() + seconds * 1000)
      : undefined;
  const openId =
    typeof response.open_id === 'string' && response.open_id !== '' ? response.open_id : undefined;
  const account = { ...previous?.account, ...(openId ? { openId } : {}) };
  const tokens: OAuthTokens = {
    accessToken: response.access_token,
    refreshToken:
      typeof response.refresh_token === 'string' ? response.refresh_token : previous?.refreshToken,
    expiresAt: at(response.expires_in),
    refreshExpiresAt: at(response.refresh_expires_in) ?? previous?.refreshExpiresAt,
    scopes:
      typeof response.scope === 'string' ? response.scope.split(/[ ,]+/).filter(Boolean) : previous?.scopes,
    ...(Object.keys(account).length > 0 ? { account } : {}),
  };
  return Object.fromEntries(Object.entries(tokens).filter(([, value]) => value !== undefined)) as OAuthTokens;
}

/** The account's name for post URLs (https://www.tiktok.com/@<username>/video/<id>); best effort. */
async function usernameOf(
  tokens: OAuthTokens,
  tools: OAuthTools<TikTokOptions>,
): Promise<string | undefined> {
  const response = await tools.http.request(
    `${tools.options.apiBaseUrl.replace(/\/$/, '')}/v2/user/info/?fields=open_id,username,display_name`,
    { headers: { authorization: `Bearer ${tokens.accessToken}` }, timeoutMs: tools.options.timeoutMs },
  );
  if (response.status !== 200) {
    return undefined;
  }
  const body = await response.json<{ data?: { user?: { username?: unknown } } }>().catch(() => undefined);
  const username = body?.data?.user?.username;
  return typeof username === 'string' && username !== '' ? username : undefined;
}

function clientOf(options: TikTokOptions): { id: string; secret: string } {
  if (!options.clientKey || !options.clientSecret) {
    throw new PermanentError(
      'plugin tiktok: set options.clientKey and options.clientSecret (developers.tiktok.com → Manage apps → your app), written as "${env:…}", to connect the channel',
    );
  }
  return { id: options.clientKey, secret: options.clientSecret };
}

/**
 * Login Kit for Web (https://developers.tiktok.com/doc/login-kit-web): a confidential web flow; TikTok names the
 * client `client_key`, joins scopes with commas, and asks PKCE only of mobile and desktop apps (the token
 * endpoint's `code_verifier` is "required for mobile and desktop app only"), so PKCE is off.
 * `clientIdParameter` (SDK 2.2) makes the host's consent URL and code exchange send `client_key`; renewal is the
 * plugin's own (`refresh` below) and sends it too.
 */
export const tiktokOAuth = defineOAuthProvider<TikTokOptions>({
  platform: 'TikTok',
  authorizationUrl: (options) => options.authorizationUrl,
  tokenUrl: tokenUrlOf,
  scopes: () => [...TIKTOK_SCOPES],
  scopeSeparator: ',',
  pkce: false,
  clientAuthentication: 'body',
  client: clientOf,
  clientIdParameter: 'client_key',
  async complete(response, tools) {
    const tokens = tokensOf(response, tools.clock.now());
    if (!tokens.account?.openId) {
      throw needsReconnect('TikTok’s token answer had no open_id: connect the channel again');
    }
    const missing = TIKTOK_SCOPES.filter((scope) => tokens.scopes && !tokens.scopes.includes(scope));
    if (missing.includes('video.publish')) {
      throw needsReconnect(
        'TikTok did not grant video.publish: add the Content Posting API product (Direct Post on) to the app and connect again, allowing every permission',
      );
    }
    const username = await usernameOf(tokens, tools).catch(() => undefined);
    return { ...tokens, account: { ...tokens.account, ...(username ? { username } : {}) } };
  },
  async refresh(tokens, tools) {
    if (!tokens.refreshToken) {
      throw needsReconnect(
        'TikTok gave no refresh token: reconnect the channel with `metronome channels connect` (access tokens last 24 hours)',
      );
    }
    const { id, secret } = clientOf(tools.options);
    const form = new URLSearchParams({
      client_key: id,
      client_secret: secret,
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    let response;
    try {
      response = await tools.http.request(tokenUrlOf(tools.options), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        timeoutMs: tools.options.timeoutMs,
      });
    } catch (error) {
      throw transientFailure(`TikTok’s token endpoint could not be reached: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const body = (await response.json<Record<string, unknown>>().catch(() => ({}))) as Record<
      string,
      unknown
    >;
    if (response.status === 200 && typeof body.access_token === 'string' && body.access_token !== '') {
      return tokensOf(body as OAuthTokenResponse, tools.clock.now(), tokens);
    }
    const reason = [body.error, body.error_description].filter((part) => typeof part === 'string').join(': ');
    if (response.status >= 500 || response.status === 429) {
      throw transientFailure(
        `TikTok’s token endpoint answered ${response.status} while renewing the token${reason ? ` (${reason})` : ''}`,
      );
    }
    // TikTok answers a refused refresh with HTTP 200 or 4xx and an `error` (invalid_grant, invalid_client…).
    throw needsReconnect(
      `TikTok refused to renew the token (${reason || response.status}): the user revoked the app or the 365-day refresh token expired; reconnect the channel with \`metronome channels connect\``,
    );
  },
});
