import {
  CredentialStore,
  type CredentialExpiry,
  type StoredCredentials,
} from '../../src/credentials/credential-store';
import type { OAuthTokens } from '../../src/plugin-sdk';

/**
 * A fake CredentialStore in memory (no encryption), honouring the contract's semantics: every save bumps the
 * version; a save with `expectedVersion` loses (false) when the version moved; a connect replaces what was held;
 * one refresh lease per channel, free again when released or past its end. For tests until the database store
 * (DatabaseCredentialStore, credstore) is merged; `saves` counts writes for the tests.
 */
export class MemoryCredentialStore extends CredentialStore {
  private readonly held = new Map<string, StoredCredentials>();
  private readonly leases = new Map<string, { owner: string; until: number }>();
  saves = 0;

  async read(channelId: string): Promise<StoredCredentials | undefined> {
    const held = this.held.get(channelId);
    return held ? structuredClone(held) : undefined;
  }

  async save(
    channelId: string,
    tokens: OAuthTokens,
    by: { actor: string; at: Date; expectedVersion?: number },
  ): Promise<boolean> {
    const current = this.held.get(channelId);
    if (by.expectedVersion !== undefined && current?.version !== by.expectedVersion) {
      return false;
    }
    const connect = by.expectedVersion === undefined;
    this.held.set(channelId, {
      ...structuredClone(tokens),
      channelId,
      version: (current?.version ?? 0) + 1,
      connectedBy: connect || !current ? by.actor : current.connectedBy,
      connectedAt: connect || !current ? by.at : current.connectedAt,
      refreshedAt: connect ? undefined : by.at,
    });
    this.saves += 1;
    return true;
  }

  async remove(channelId: string): Promise<void> {
    this.held.delete(channelId);
  }

  async expiries(): Promise<CredentialExpiry[]> {
    return [...this.held.values()].map((held) => ({
      channelId: held.channelId,
      expiresAt: held.expiresAt,
      refreshExpiresAt: held.refreshExpiresAt,
      renewable: Boolean(held.refreshToken),
      version: held.version,
    }));
  }

  async claimRefresh(channelId: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const lease = this.leases.get(channelId);
    if (lease && lease.owner !== owner && lease.until > now.getTime()) {
      return false;
    }
    this.leases.set(channelId, { owner, until: until.getTime() });
    return true;
  }

  async releaseRefresh(channelId: string, owner: string): Promise<void> {
    if (this.leases.get(channelId)?.owner === owner) {
      this.leases.delete(channelId);
    }
  }
}
