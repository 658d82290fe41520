import type { OAuthProvider } from '../plugin-sdk';

/** What one authorization adds to the provider's consent URL. */
export interface ConsentRequest {
  redirectUri: string;
  state: string;
  /** The PKCE S256 challenge; sent only when the provider declares `pkce`. */
  codeChallenge?: string;
}

/**
 * The platform's consent page for one authorization (RFC 6749 §4.1.1, RFC 7636 §4.3): response_type=code,
 * client_id, redirect_uri, scope joined by the provider's separator (Meta and Threads use ','), state, the PKCE
 * challenge, then the provider's own parameters. Query parameters already on the provider's URL are kept.
 */
export function consentUrl<Options>(
  provider: OAuthProvider<Options>,
  options: Options,
  request: ConsentRequest,
): string {
  const url = new URL(provider.authorizationUrl(options));
  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set(provider.clientIdParameter ?? 'client_id', provider.client(options).id);
  params.set('redirect_uri', request.redirectUri);
  const scopes = provider.scopes(options);
  if (scopes.length > 0) {
    params.set('scope', scopes.join(provider.scopeSeparator ?? ' '));
  }
  params.set('state', request.state);
  if (provider.pkce) {
    if (!request.codeChallenge) {
      throw new Error(
        `consent URL for ${provider.platform}: the provider declares pkce, but no code challenge was given (a host bug: create one with createPkcePair)`,
      );
    }
    params.set('code_challenge', request.codeChallenge);
    params.set('code_challenge_method', 'S256');
  }
  for (const [name, value] of Object.entries(provider.authorizationParams?.(options) ?? {})) {
    params.set(name, value);
  }
  return url.toString();
}
