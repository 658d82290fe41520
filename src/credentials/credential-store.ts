import type { OAuthTokens } from '../plugin-sdk';

/** A channel's OAuth tokens as the store holds them (decrypted only in memory, on read). */
export interface StoredCredentials extends OAuthTokens {
  channelId: string;
  /** Goes up on every save (connect or refresh): a refresh that read an older version lost a race. */
  version: number;
  /** Who connected the account, and when. */
  connectedBy: string;
  connectedAt: Date;
  /** The last renewal, if any. */
  refreshedAt?: Date;
}

/** What the refresher needs to pick the channels whose tokens to renew or warn about (no token material). */
export interface CredentialExpiry {
  channelId: string;
  expiresAt?: Date;
  refreshExpiresAt?: Date;
  /** Whether a refresh token is held. */
  renewable: boolean;
  version: number;
}

/**
 * The encrypted credential store (channel_tokens): tokens encrypted at rest with AES-256-GCM under the key from
 * METRONOME_SECRET_KEY, the channel id bound in as additional data. Implemented by DatabaseCredentialStore; the
 * abstract class is the Nest token.
 */
export abstract class CredentialStore {
  /** The channel's tokens, or undefined when it was never connected. Throws SecretKeyError without a usable key. */
  abstract read(channelId: string): Promise<StoredCredentials | undefined>;
  /**
   * Saves tokens for the channel (a connect: `expectedVersion` undefined, replaces anything held; a refresh: the
   * version it read, and false when another process saved since — its tokens win, this one's are dropped).
   */
  abstract save(
    channelId: string,
    tokens: OAuthTokens,
    by: { actor: string; at: Date; expectedVersion?: number },
  ): Promise<boolean>;
  /** Forgets the channel's tokens (disconnect). */
  abstract remove(channelId: string): Promise<void>;
  /** Every connected channel's expiry facts, for the refresher. */
  abstract expiries(): Promise<CredentialExpiry[]>;
  /**
   * Takes the channel's refresh lease until `until` (one refresh per channel across processes): true when this
   * caller holds it. A lease past its end may be taken by anyone.
   */
  abstract claimRefresh(channelId: string, owner: string, now: Date, until: Date): Promise<boolean>;
  abstract releaseRefresh(channelId: string, owner: string): Promise<void>;
}

/**
 * Renews one channel's tokens through its plugin's OAuth provider, under the store's refresh lease (OAuthRefresher).
 * Called by the PluginCredentials a connector holds (`refresh()`), and by the scheduled renewal before expiry.
 */
export abstract class TokenRefresher {
  /**
   * True when the channel's tokens in force were renewed (by this call, or by a refresh under way elsewhere that it
   * waited for); false when they could not be (no refresh token, the platform refused: the channel is then marked
   * `needs_reconnect` with the platform's reason, once).
   */
  abstract refresh(channelId: string, reason: string): Promise<boolean>;
}
