import {
  defineOAuthProvider,
  needsReconnect,
  transientFailure,
  type OAuthTokens,
  type OAuthTools,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { graphErrorOf } from './threads-errors';
import type { ThreadsOptions } from './threads-options.schema';
import { THREADS_API_VERSION, THREADS_SCOPES } from './threads-version';

/** What Threads' token endpoints answer (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens). */
interface ThreadsTokenAnswer {
  access_token?: unknown;
  token_type?: unknown;
  expires_in?: unknown;
  user_id?: unknown;
}

const root = (options: ThreadsOptions) => options.apiBaseUrl.replace(/\/$/, '');

/** GET on a token endpoint; the secret and the token travel in the query as Threads documents, never logged. */
async function tokenRequest(
  tools: OAuthTools<ThreadsOptions>,
  path: string,
  params: Record<string, string>,
  what: string,
): Promise<ThreadsTokenAnswer> {
  const url = `${root(tools.options)}${path}?${new URLSearchParams(params).toString()}`;
  let response: PluginHttpResponse;
  try {
    response = await tools.http.request(url, { method: 'GET', headers: { accept: 'application/json' } });
  } catch (error) {
    throw transientFailure(`Threads could not be reached while ${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (response.status >= 200 && response.status < 300) {
    return response.json<ThreadsTokenAnswer>();
  }
  const error = await graphErrorOf(response);
  if (response.status >= 500) {
    throw transientFailure(`Threads failed (${response.status}) while ${what}: ${error.message}`);
  }
  throw needsReconnect(
    `Threads refused ${what} (${error.code ?? response.status}: ${error.message}): the token expired, was revoked or is less than 24 hours old; connect the channel again with \`metronome channels connect <brand>/<channel>\``,
  );
}

/** A token answer as the host's tokens; a missing token is the platform breaking its contract. */
function tokensOf(
  answer: ThreadsTokenAnswer,
  now: Date,
  account: Record<string, string> | undefined,
  what: string,
): OAuthTokens {
  if (typeof answer.access_token !== 'string' || answer.access_token === '') {
    throw transientFailure(`plugin threads: Threads answered ${what} without an access_token`);
  }
  const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : undefined;
  return {
    accessToken: answer.access_token,
    ...(expiresIn === undefined ? {} : { expiresAt: new Date(now.getTime() + expiresIn * 1000) }),
    scopes: [...THREADS_SCOPES],
    ...(account ? { account } : {}),
  };
}

/** GET /me?fields=id with the new token: the account the channel publishes as. */
async function userIdOf(tools: OAuthTools<ThreadsOptions>, accessToken: string): Promise<string> {
  let response: PluginHttpResponse;
  try {
    response = await tools.http.request(
      `${root(tools.options)}/${THREADS_API_VERSION}/me?fields=id,username`,
      {
        method: 'GET',
        headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
      },
    );
  } catch (error) {
    throw transientFailure(
      `Threads could not be reached while reading the connected account: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const me = response.status === 200 ? await response.json<{ id?: unknown }>() : {};
  if (typeof me.id !== 'string' || !/^\d+$/.test(me.id)) {
    throw needsReconnect(
      `Threads did not tell the connected account's id (HTTP ${response.status}): connect the channel again, granting threads_basic`,
    );
  }
  return me.id;
}

/**
 * Threads' OAuth: the code gives a short-lived token (1 hour) and the user id; `complete` exchanges it at once for
 * a long-lived one (60 days, `th_exchange_token`); `refresh` renews a long-lived token that is at least 24 hours
 * old and not yet expired (`th_refresh_token`). There is no refresh token: an expired token can only be reconnected.
 */
export const threadsOAuth = defineOAuthProvider<ThreadsOptions>({
  platform: 'Threads',
  authorizationUrl: (options) => options.authorizationUrl,
  tokenUrl: (options) => `${root(options)}/oauth/access_token`,
  scopes: () => [...THREADS_SCOPES],
  scopeSeparator: ',',
  pkce: false,
  client: (options) => ({ id: options.clientId ?? '', secret: options.clientSecret }),
  clientAuthentication: 'body',
  async complete(response, tools) {
    if (!tools.options.clientSecret) {
      throw needsReconnect(
        'the threads channel needs clientSecret in its options to exchange the token for a long-lived one',
      );
    }
    const answer = await tokenRequest(
      tools,
      '/access_token',
      {
        grant_type: 'th_exchange_token',
        client_secret: tools.options.clientSecret,
        access_token: response.access_token,
      },
      'the exchange for a long-lived token',
    );
    const tokens = tokensOf(answer, tools.clock.now(), undefined, 'the exchange for a long-lived token');
    // The code exchange's user_id is a JSON number past 2^53 (17 digits) and arrives rounded: ask Graph, which
    // answers ids as strings.
    return { ...tokens, account: { userId: await userIdOf(tools, tokens.accessToken) } };
  },
  async refresh(tokens, tools) {
    const answer = await tokenRequest(
      tools,
      '/refresh_access_token',
      { grant_type: 'th_refresh_token', access_token: tokens.accessToken },
      'renewing the long-lived token',
    );
    return tokensOf(answer, tools.clock.now(), tokens.account, 'renewing the long-lived token');
  },
});
