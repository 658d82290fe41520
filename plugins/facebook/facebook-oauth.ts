import {
  defineOAuthProvider,
  needsReconnect,
  type OAuthTokenResponse,
  type OAuthTokens,
  type OAuthTools,
} from '../../src/plugin-sdk';
import { GraphApi } from './facebook-api';
import type { FacebookOptions } from './facebook-options.schema';
import { GRAPH_API_VERSION, graphUrl } from './facebook-version';

/**
 * The permissions a Page channel needs (https://developers.facebook.com/docs/permissions/): publish and delete
 * posts and photos, read the Page's posts and their comments (with who wrote them), answer comments, list the Pages
 * the person manages, read Page Insights.
 */
export const FACEBOOK_SCOPES = [
  'pages_manage_posts',
  'pages_read_engagement',
  'pages_read_user_content',
  'pages_manage_engagement',
  'pages_show_list',
  'read_insights',
];

/** How many pages of `/me/accounts` are read at most (100 Pages each): a person managing more names `pageId`. */
const MAX_ACCOUNT_PAGES = 10;

interface ManagedPage {
  id: string;
  name?: string;
  access_token?: string;
  tasks?: string[];
}

interface AccountsAnswer {
  data?: ManagedPage[];
  paging?: { cursors?: { after?: string }; next?: string };
}

const RECONNECT = 'metronome channels connect <brand>/<channel>';

function graphFor(tools: OAuthTools<FacebookOptions>, token: string): GraphApi {
  return new GraphApi({
    http: tools.http,
    clock: tools.clock,
    baseUrl: tools.options.graphBaseUrl,
    token: async () => token,
    appSecret: tools.options.clientSecret,
    reconnectHint: RECONNECT,
  });
}

/**
 * Facebook Login's short-lived user token (about two hours) becomes a long-lived one (about 60 days) by the
 * `fb_exchange_token` grant (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived).
 */
async function longLivedUserToken(shortLived: string, tools: OAuthTools<FacebookOptions>): Promise<string> {
  const client = tools.options;
  // POST keeps the app secret and the token out of URLs (Graph takes the documented GET parameters as a form too).
  const answer = await graphFor(tools, shortLived).call<{ access_token?: unknown }>({
    method: 'POST',
    path: 'oauth/access_token',
    params: {
      grant_type: 'fb_exchange_token',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      fb_exchange_token: shortLived,
    },
    what: 'exchanging the sign-in for a long-lived token',
  });
  const token = answer.body.access_token;
  if (typeof token !== 'string' || token === '') {
    throw needsReconnect(
      `plugin facebook: Facebook's long-lived token exchange answered no access_token: run ${RECONNECT} again`,
    );
  }
  return token;
}

/** Every Page the person manages, with its Page token (`/me/accounts`, followed page by page). */
async function managedPages(userToken: string, tools: OAuthTools<FacebookOptions>): Promise<ManagedPage[]> {
  const graph = graphFor(tools, userToken);
  const pages: ManagedPage[] = [];
  let after: string | undefined;
  for (let round = 0; round < MAX_ACCOUNT_PAGES; round++) {
    const answer = await graph.call<AccountsAnswer>({
      path: 'me/accounts',
      params: { fields: 'id,name,access_token,tasks', limit: 100, after },
      what: 'listing the Pages you manage',
    });
    pages.push(...(answer.body.data ?? []).filter((page) => typeof page?.id === 'string'));
    after = answer.body.paging?.cursors?.after;
    if (!answer.body.paging?.next || !after) {
      break;
    }
  }
  return pages;
}

function listed(pages: ManagedPage[]): string {
  return pages.map((page) => `"${page.name ?? '(no name)'}" (${page.id})`).join(', ');
}

/** The Page the channel publishes to: the one `pageId` names, or the only one. */
export function choosePage(pages: ManagedPage[], pageId: string | undefined): ManagedPage {
  if (pageId) {
    const page = pages.find((candidate) => candidate.id === pageId);
    if (!page) {
      throw needsReconnect(
        `plugin facebook: the Page ${pageId} (option pageId) is not among the Pages this Facebook account granted: ${pages.length > 0 ? listed(pages) : 'none'}. Run ${RECONNECT} again and tick that Page in the dialog, or correct pageId`,
      );
    }
    return page;
  }
  if (pages.length === 1) {
    return pages[0];
  }
  throw needsReconnect(
    pages.length === 0
      ? `plugin facebook: this Facebook account granted access to no Page: run ${RECONNECT} again and choose the Page in the dialog (the account needs a role on the Page with "Create content")`
      : `plugin facebook: this Facebook account manages several Pages (${listed(pages)}): set the channel's option pageId to one of these ids, then run ${RECONNECT} again`,
  );
}

/**
 * Facebook Login for a Page (https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow):
 * the consent dialog at www.facebook.com/<version>/dialog/oauth, the code exchanged at graph.facebook.com/<version>/
 * oauth/access_token with the app secret. PKCE is off: Facebook documents it only for its OIDC flow, "still in
 * testing"; the code exchange is protected by the app secret and the host's `state`.
 *
 * No `refresh`: the Page token `complete` stores is derived from a long-lived user token, and such Page tokens have
 * no expiry (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived#long-lived-page-token).
 * They stop working only when the person revokes the app, loses the Page role or changes the password; Graph then
 * answers code 190, which the connector turns into needsReconnect, and only a person can fix that.
 */
export const facebookOAuth = defineOAuthProvider<FacebookOptions>({
  platform: 'Facebook',
  authorizationUrl: (options) => `${options.loginBaseUrl}/${GRAPH_API_VERSION}/dialog/oauth`,
  tokenUrl: (options) => graphUrl(options.graphBaseUrl, 'oauth/access_token'),
  scopes: () => [...FACEBOOK_SCOPES],
  scopeSeparator: ',',
  pkce: false,
  client: (options) => ({ id: options.clientId ?? '', secret: options.clientSecret }),
  clientAuthentication: 'body',
  async complete(response: OAuthTokenResponse, tools: OAuthTools<FacebookOptions>): Promise<OAuthTokens> {
    const userToken = await longLivedUserToken(response.access_token, tools);
    const page = choosePage(await managedPages(userToken, tools), tools.options.pageId);
    if (!page.access_token) {
      throw needsReconnect(
        `plugin facebook: Facebook gave no Page token for "${page.name ?? page.id}" (${page.id}): the account needs a role on the Page with "Create content"; run ${RECONNECT} again after that`,
      );
    }
    return {
      accessToken: page.access_token,
      scopes: typeof response.scope === 'string' ? response.scope.split(/[ ,]+/).filter(Boolean) : undefined,
      account: { pageId: page.id, ...(page.name ? { pageName: page.name } : {}) },
    };
  },
});
