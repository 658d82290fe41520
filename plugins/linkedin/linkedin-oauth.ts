import {
  defineOAuthProvider,
  needsReconnect,
  PermanentError,
  transientFailure,
  type OAuthTokenResponse,
  type OAuthTokens,
  type OAuthTools,
} from '../../src/plugin-sdk';
import type { LinkedInOptions } from './linkedin-options.schema';
import { LINKEDIN_VERSION, RESTLI_PROTOCOL_VERSION } from './linkedin-version';

/** Posting as the member, and the member's id (OpenID Connect: /v2/userinfo answers `sub`). */
export const MEMBER_SCOPES = ['openid', 'profile', 'w_member_social'];
/** Posting as a Page, reading its posts and comments, its follower count and share statistics. */
export const PAGE_SCOPES = ['w_organization_social', 'r_organization_social', 'rw_organization_admin'];

/** The token endpoint's answer as the channel's tokens (LinkedIn: 60-day access, 365-day programmatic refresh). */
export function tokensOf(response: OAuthTokenResponse, now: Date, previous?: OAuthTokens): OAuthTokens {
  if (typeof response.access_token !== 'string' || response.access_token === '') {
    throw new Error('plugin linkedin: the token endpoint answered without an access_token');
  }
  const at = (seconds: unknown) =>
    typeof seconds === 'number' && seconds > 0 ? new Date(now.getTime() + seconds * 1000) : undefined;
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? previous?.refreshToken,
    expiresAt: at(response.expires_in),
    // The refresh token keeps the lifetime of the first grant: LinkedIn answers what is left of it.
    refreshExpiresAt: at(response.refresh_token_expires_in) ?? previous?.refreshExpiresAt,
    scopes:
      typeof response.scope === 'string' ? response.scope.split(/[ ,]+/).filter(Boolean) : previous?.scopes,
    account: previous?.account,
  };
}

async function getJson<T>(
  tools: OAuthTools<LinkedInOptions>,
  path: string,
  token: string,
  what: string,
): Promise<T> {
  const response = await tools.http.request(`${tools.options.apiUrl.replace(/\/$/, '')}${path}`, {
    headers: {
      authorization: `Bearer ${token}`,
      'linkedin-version': LINKEDIN_VERSION,
      'x-restli-protocol-version': RESTLI_PROTOCOL_VERSION,
    },
    timeoutMs: tools.options.timeoutMs,
  });
  if (response.status !== 200) {
    throw needsReconnect(
      `LinkedIn answered ${response.status} while ${what}: connect again and grant every permission the consent page asks for (plugins/linkedin/README.md lists the products to add to the app)`,
    );
  }
  return response.json<T>();
}

/** Who the token speaks for: the member (always) and the Pages they administer (with the Page scopes). */
async function accountOf(
  tokens: OAuthTokens,
  tools: OAuthTools<LinkedInOptions>,
): Promise<Record<string, string>> {
  const me = await getJson<{ sub?: unknown }>(
    tools,
    '/v2/userinfo',
    tokens.accessToken,
    'reading the member id',
  );
  if (typeof me.sub !== 'string' || me.sub === '') {
    throw needsReconnect(
      'LinkedIn /v2/userinfo answered no member id (sub): the app needs the "Sign In with LinkedIn using OpenID Connect" product',
    );
  }
  const account: Record<string, string> = { member: `urn:li:person:${me.sub}` };
  if (tokens.scopes?.includes('rw_organization_admin')) {
    const acls = await getJson<{ elements?: Array<{ organization?: unknown }> }>(
      tools,
      '/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED',
      tokens.accessToken,
      'listing the Pages the member administers',
    );
    const pages = (acls.elements ?? [])
      .map((acl) => acl.organization)
      .filter((urn): urn is string => typeof urn === 'string');
    if (pages.length > 0) {
      account.organization = pages[0];
      account.organizations = pages.join(',');
    }
  }
  const wanted = tools.options.author;
  if (wanted?.startsWith('urn:li:organization:') && !account.organizations?.split(',').includes(wanted)) {
    throw needsReconnect(
      `the member who connected is not an approved ADMINISTRATOR of ${wanted} (option author): connect as an administrator of that Page`,
    );
  }
  return account;
}

/**
 * LinkedIn's 3-legged OAuth (https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow):
 * a confidential web flow, the client secret in the token request's body. PKCE is only for native apps LinkedIn
 * enables for it, so it is off. Refresh tokens come only to apps approved for programmatic refresh tokens
 * (https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens).
 */
export const linkedinOAuth = defineOAuthProvider<LinkedInOptions>({
  platform: 'LinkedIn',
  authorizationUrl: (options) => `${options.oauthUrl.replace(/\/$/, '')}/oauth/v2/authorization`,
  tokenUrl: (options) => `${options.oauthUrl.replace(/\/$/, '')}/oauth/v2/accessToken`,
  scopes: (options) => (options.pages ? [...MEMBER_SCOPES, ...PAGE_SCOPES] : MEMBER_SCOPES),
  scopeSeparator: ' ',
  pkce: false,
  clientAuthentication: 'body',
  client: (options) => {
    if (!options.clientId || !options.clientSecret) {
      throw new PermanentError(
        'plugin linkedin: set options.clientId and options.clientSecret (LinkedIn Developer Portal → your app → Auth), written as "${env:…}", to connect the channel',
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
        'LinkedIn gave this app no refresh token (only apps approved for programmatic refresh tokens get one): reconnect the channel with `metronome channels connect` before the 60-day token expires',
      );
    }
    const { id, secret } = linkedinOAuth.client(tools.options);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
      client_id: id,
      client_secret: secret ?? '',
    });
    const response = await tools.http.request(linkedinOAuth.tokenUrl(tools.options), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
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
        `LinkedIn refused to renew the token (${reason || response.status}): the member revoked the app or the 365-day refresh token expired; reconnect the channel with \`metronome channels connect\``,
      );
    }
    if (response.status !== 200) {
      throw transientFailure(
        `LinkedIn's token endpoint answered ${response.status} while renewing the token`,
      );
    }
    return tokensOf(body as OAuthTokenResponse, tools.clock.now(), tokens);
  },
});
