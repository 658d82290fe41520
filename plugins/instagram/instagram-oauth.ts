import {
  defineOAuthProvider,
  needsReconnect,
  transientFailure,
  type OAuthTokenResponse,
  type OAuthTokens,
  type OAuthTools,
} from '../../src/plugin-sdk';
import type { InstagramOptions } from './instagram-options.schema';
import { INSTAGRAM_API_VERSION } from './instagram-version';

/** The permissions the connector uses: publishing, comments (inbox, replies) and insights (metrics). */
export const INSTAGRAM_SCOPES = [
  'instagram_business_basic',
  'instagram_business_content_publish',
  'instagram_business_manage_comments',
  'instagram_business_manage_insights',
];

interface LongLivedToken {
  access_token?: unknown;
  expires_in?: unknown;
}

/**
 * Business Login for Instagram: a code gives a short-lived token (1 hour), exchanged at once for a long-lived one
 * (60 days, `ig_exchange_token`), renewed with `ig_refresh_token` (a token at least 24 hours old and not expired).
 * There is no refresh token: the long-lived token renews itself.
 */
export const instagramOAuth = defineOAuthProvider<InstagramOptions>({
  platform: 'Instagram',
  authorizationUrl: (options) => new URL('/oauth/authorize', options.authBaseUrl).toString(),
  tokenUrl: (options) => new URL('/oauth/access_token', options.tokenBaseUrl).toString(),
  scopes: () => INSTAGRAM_SCOPES,
  scopeSeparator: ',',
  pkce: false,
  client: (options) => ({ id: options.clientId ?? '', secret: options.clientSecret }),
  clientAuthentication: 'body',
  async complete(response, tools) {
    const shortLived = shortLivedToken(response);
    const secret = tools.options.clientSecret;
    if (!secret) {
      throw needsReconnect(
        'instagram: the channel has no clientSecret option: set clientSecret: "${env:…}" and connect again',
      );
    }
    const long = await tokenCall(tools, '/access_token', {
      grant_type: 'ig_exchange_token',
      client_secret: secret,
      access_token: shortLived.token,
    });
    const me = await tools.http.request(
      `${new URL(`/${INSTAGRAM_API_VERSION}/me`, tools.options.apiBaseUrl).toString()}?fields=user_id,username`,
      { headers: { authorization: `Bearer ${long.accessToken}` }, timeoutMs: 15_000 },
    );
    const account = me.status === 200 ? await me.json<{ user_id?: unknown; username?: unknown }>() : {};
    const userId = typeof account.user_id === 'string' ? account.user_id : shortLived.userId;
    if (!userId) {
      throw needsReconnect(
        'instagram: the connected account has no Instagram professional account id: connect a Business or Creator account',
      );
    }
    return {
      ...long,
      scopes: shortLived.scopes,
      account: { userId, ...(typeof account.username === 'string' ? { username: account.username } : {}) },
    };
  },
  async refresh(tokens, tools) {
    const renewed = await tokenCall(tools, '/refresh_access_token', {
      grant_type: 'ig_refresh_token',
      access_token: tokens.accessToken,
    });
    return { ...tokens, ...renewed };
  },
});

/** The code exchange answers `{access_token, user_id, permissions}` or, newer, `{data: [{…}]}`. */
function shortLivedToken(response: OAuthTokenResponse): {
  token: string;
  userId?: string;
  scopes?: string[];
} {
  const data = Array.isArray(response.data) ? (response.data[0] as Record<string, unknown>) : response;
  const token = data.access_token;
  if (typeof token !== 'string' || token === '') {
    throw needsReconnect('instagram: the token endpoint answered no access_token: connect the channel again');
  }
  const rawUserId = data.user_id;
  const userId =
    typeof rawUserId === 'string' || typeof rawUserId === 'number' ? String(rawUserId) : undefined;
  const permissions = data.permissions;
  const scopes = Array.isArray(permissions)
    ? permissions.map(String)
    : typeof permissions === 'string'
      ? permissions.split(',')
      : undefined;
  return { token, userId, scopes };
}

/** GET graph.instagram.com/<path>: the documented way to exchange and renew long-lived tokens (token in the query). */
async function tokenCall(
  tools: OAuthTools<InstagramOptions>,
  path: string,
  params: Record<string, string>,
): Promise<Pick<OAuthTokens, 'accessToken' | 'expiresAt'>> {
  const url = new URL(path, tools.options.apiBaseUrl);
  for (const [name, value] of Object.entries(params)) {
    url.searchParams.set(name, value);
  }
  let status: number;
  let body: LongLivedToken & { error?: { message?: string; code?: number } };
  try {
    const response = await tools.http.request(url.toString(), { timeoutMs: 15_000 });
    status = response.status;
    body = await response.json();
  } catch (error) {
    throw transientFailure(`instagram: the token endpoint ${path} did not answer: try again later`, {
      cause: error,
    });
  }
  if (status >= 500) {
    throw transientFailure(`instagram: the token endpoint ${path} answered ${status}: try again later`);
  }
  if (status !== 200 || typeof body.access_token !== 'string' || body.access_token === '') {
    throw needsReconnect(
      `instagram: Instagram refused to renew the token at ${path} (${status}${body.error?.code ? `, code ${body.error.code}` : ''}: ${body.error?.message ?? 'no token in the answer'}): connect the channel again with \`metronome channels connect\``,
    );
  }
  const seconds = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    ...(Number.isFinite(seconds) && seconds > 0
      ? { expiresAt: new Date(tools.clock.now().getTime() + seconds * 1000) }
      : {}),
  };
}
