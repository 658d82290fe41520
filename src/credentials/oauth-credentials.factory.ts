import { Injectable, Optional } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { needsReconnect, type OAuthTokens, type PluginCredentials } from '../plugin-sdk';
import { CredentialStore, TokenRefresher, type StoredCredentials } from './credential-store';

/** Tokens expiring sooner than this are renewed before a connector gets them (the SDK's promise: "within a minute"). */
export const RENEW_BEFORE_MS = 60_000;

/**
 * The `context.credentials` of a connector whose plugin declares `oauth`. Reads the store on every `current()`
 * rather than caching: one primary-key SELECT and one AES-GCM decryption are small next to the platform call that
 * follows, and a cache would have to notice renewals made by other processes (the version is only known by reading
 * the row anyway).
 */
@Injectable()
export class OAuthCredentialsFactory {
  constructor(
    private readonly store: CredentialStore,
    private readonly clock: Clock,
    /** Bound by the OAuth flow's module; without it tokens are handed out as stored and never renewed here. */
    @Optional() private readonly refresher?: TokenRefresher,
  ) {}

  /** `scope` is the channel as the operator names it (`brand/channel`), for the reconnect command in errors. */
  for(channelId: string, scope: string): PluginCredentials {
    return {
      current: () => this.current(channelId, scope),
      refresh: () =>
        this.refresher
          ? this.refresher.refresh(channelId, 'the connector asked for renewed tokens')
          : Promise.resolve(false),
    };
  }

  private async current(channelId: string, scope: string): Promise<OAuthTokens> {
    let stored = await this.connected(channelId, scope);
    if (
      this.refresher &&
      stored.expiresAt &&
      stored.expiresAt.getTime() - this.clock.nowMs() < RENEW_BEFORE_MS
    ) {
      // Not renewed (no refresh token, the platform refused): the refresher marked the channel; the connector gets
      // the tokens held, and the platform's refusal takes the usual needs_reconnect path.
      if (await this.refresher.refresh(channelId, 'the access token expires within a minute')) {
        stored = await this.connected(channelId, scope);
      }
    }
    return tokensOf(stored);
  }

  private async connected(channelId: string, scope: string): Promise<StoredCredentials> {
    const stored = await this.store.read(channelId);
    if (!stored) {
      throw needsReconnect(
        `channel ${scope} has no OAuth tokens: it was never connected (or was disconnected); connect it with \`metronome channels connect ${scope}\``,
      );
    }
    return stored;
  }
}

/** Only the OAuthTokens fields: the store's bookkeeping (version, who connected) is not the connector's business. */
function tokensOf(stored: StoredCredentials): OAuthTokens {
  const {
    channelId: _channelId,
    version: _version,
    connectedBy: _by,
    connectedAt: _at,
    refreshedAt: _refreshed,
    ...tokens
  } = stored;
  return tokens;
}
