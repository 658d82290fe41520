import type { OAuthTokens, PluginCredentials } from '../oauth';

export interface MemoryCredentials extends PluginCredentials {
  /** The tokens in force now (tests assert on renewals). */
  readonly tokens: OAuthTokens;
  /** How many renewals ran. */
  readonly refreshes: number;
}

/**
 * Credentials held in memory, for tests of OAuth connectors: `current()` answers `tokens` (renewed first when they
 * expire within a minute of `clock()`), `refresh()` calls `renew` (usually the plugin's own `oauth.refresh` against
 * the fake's token endpoint) and keeps what it answers. Without `renew`, nothing can be renewed (refresh is false).
 */
export function createMemoryCredentials(
  initial: OAuthTokens,
  renew?: (tokens: OAuthTokens) => Promise<OAuthTokens>,
  clock: () => Date = () => new Date(),
): MemoryCredentials {
  let tokens = initial;
  let refreshes = 0;
  const refresh = async (): Promise<boolean> => {
    if (!renew) {
      return false;
    }
    tokens = await renew(tokens);
    refreshes += 1;
    return true;
  };
  return {
    get tokens() {
      return tokens;
    },
    get refreshes() {
      return refreshes;
    },
    async current() {
      if (renew && tokens.expiresAt && tokens.expiresAt.getTime() - clock().getTime() < 60_000) {
        await refresh();
      }
      return tokens;
    },
    refresh,
  };
}
