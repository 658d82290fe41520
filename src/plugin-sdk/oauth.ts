import { AuthenticationError } from './errors';
import type { PluginClock, PluginContext, PluginHttpClient } from './plugin-context';

/**
 * OAuth 2 for connectors (SDK 2.1). A connector whose platform authorizes accounts with OAuth 2 declares an
 * `oauth` provider on its plugin; the host then runs the authorization-code flow (`metronome channels connect`,
 * PKCE S256 where `pkce` is true), keeps the tokens encrypted in its database, renews them before they expire (one
 * refresh per channel across the cluster) and hands them to the connector through `credentialsOf(context)`.
 * Connectors never store tokens themselves.
 */
export interface OAuthTokens {
  accessToken: string;
  refreshToken?: string;
  /** When the access token expires (absent: the platform does not say, or it does not expire). */
  expiresAt?: Date;
  /** When the refresh token expires, where the platform says (LinkedIn: 365 days after the first grant). */
  refreshExpiresAt?: Date;
  /** The scopes granted (they may be fewer than asked for). */
  scopes?: string[];
  /**
   * What the connector needs besides the token, found while connecting: an organization URN, a Page id, an
   * Instagram or Threads user id. Strings only; shown in `channels list` (never the tokens).
   */
  account?: Record<string, string>;
}

/** What a provider's hooks may use: the channel's options, the host's HTTP client and clock. */
export interface OAuthTools<Options> {
  options: Options;
  http: PluginHttpClient;
  clock: PluginClock;
}

/** The token endpoint's answer (RFC 6749 §5.1), as the host parsed it, for `complete`. */
export interface OAuthTokenResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope?: string;
  [field: string]: unknown;
}

export interface OAuthProvider<Options> {
  /** The platform's name in prompts and errors ("LinkedIn"). */
  platform: string;
  /** The consent page, e.g. https://www.linkedin.com/oauth/v2/authorization (options may point at a fake). */
  authorizationUrl(options: Options): string;
  /** The token endpoint (code exchange and refresh_token grant). */
  tokenUrl(options: Options): string;
  /** The scopes to ask for. */
  scopes(options: Options): string[];
  /** How scopes are joined in the consent URL: ' ' (RFC 6749, default) or ',' (Meta, Threads). */
  scopeSeparator?: ' ' | ',';
  /** Whether the platform accepts PKCE (S256); the host always sends a `state`. */
  pkce: boolean;
  /** The app's client id and secret, from the channel's options (`${env:…}` / `${file:…}`). */
  client(options: Options): { id: string; secret?: string };
  /** How the client authenticates at the token endpoint: form fields (default) or HTTP Basic. */
  clientAuthentication?: 'body' | 'basic';
  /**
   * The name of the client id parameter in the consent URL and the token request's form (default `client_id`;
   * TikTok: `client_key`). (SDK 2.2)
   */
  clientIdParameter?: string;
  /** Extra query parameters on the consent URL. */
  authorizationParams?(options: Options): Record<string, string>;
  /**
   * After the code exchange, turns the token response into the channel's credentials: exchange Meta's short-lived
   * token for a long-lived one, pick the Page's token, find the account id. Default: the response as is
   * (`expires_in` → `expiresAt`, `scope` split on the separator). Throw `needsReconnect(…)` when the account cannot
   * be used (a missing scope, no Page), with the fix in the message.
   */
  complete?(response: OAuthTokenResponse, tools: OAuthTools<Options>): Promise<OAuthTokens>;
  /**
   * Renews the tokens. Default: the refresh_token grant at `tokenUrl` when a refresh token is held, otherwise
   * nothing can be renewed (the channel needs reconnecting before `expiresAt`). Meta and Threads renew long-lived
   * tokens by their own exchange: they implement this. Throw `needsReconnect(…)` when the platform refused for good
   * (a revoked grant), a TransientError (or any other error) when it may work later.
   */
  refresh?(tokens: OAuthTokens, tools: OAuthTools<Options>): Promise<OAuthTokens>;
}

/** The channel's OAuth tokens, held encrypted by the host (`context.credentials`). */
export interface PluginCredentials {
  /**
   * The tokens in force (renewed first when they expire within a minute). Throws an AuthenticationError (needs
   * reconnect) naming `metronome channels connect <brand>/<channel>` when the channel was never connected.
   */
  current(): Promise<OAuthTokens>;
  /**
   * Renews the tokens now, once across the cluster (a refresh under way elsewhere is waited for, not repeated).
   * True when the tokens in force were renewed (by this call or the one waited for); false when nothing could be
   * renewed. Connectors call it from `refreshCredentials()`.
   */
  refresh(): Promise<boolean>;
}

/** The context's credentials; a host without them (SDK < 2.1, or a test's hand-made context) is named clearly. */
export function credentialsOf(context: PluginContext): PluginCredentials {
  if (!context.credentials) {
    throw new AuthenticationError(
      `plugin ${context.plugin} (${context.scope}): this context holds no OAuth credentials: connect the channel with \`metronome channels connect ${context.scope}\` (a test passes \`credentials\` to createTestPluginContext)`,
    );
  }
  return context.credentials;
}

/** Identity helper for type inference. */
export function defineOAuthProvider<Options>(provider: OAuthProvider<Options>): OAuthProvider<Options> {
  return provider;
}
