import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import type { OAuthTokens } from '../plugin-sdk';
import { CredentialStore, type CredentialExpiry, type StoredCredentials } from './credential-store';
import { SecretKeySource, type SecretKey } from './secret-key';
import { openTokens, sealTokens, type SealedTokens } from './token-cipher';

interface TokenRow {
  channel_id: string;
  key_id: string;
  iv: string;
  ciphertext: string;
  tag: string;
  expires_at: string | null;
  refresh_expires_at: string | null;
  renewable: boolean | number;
  version: number | string;
  connected_by: string;
  connected_at: string;
  refreshed_at: string | null;
}

/** How many rows each key encrypted (`metronome secrets status`, the startup check). */
export interface KeyUsage {
  keyId: string;
  rows: number;
}

/**
 * The credential store on channel_tokens, in plain SQL that runs on SQLite and Postgres alike: a refresh's save
 * and the refresh lease are conditional UPDATEs, so two processes never both win. The key is read only when a row
 * is encrypted or decrypted (SecretKeySource), so a Metronome without OAuth channels needs none.
 */
@Injectable()
export class DatabaseCredentialStore extends CredentialStore {
  constructor(
    private readonly tx: TransactionContext,
    private readonly keys: SecretKeySource,
  ) {
    super();
  }

  async read(channelId: string): Promise<StoredCredentials | undefined> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const rows = await manager.query<TokenRow[]>(
      `SELECT "channel_id", "key_id", "iv", "ciphertext", "tag", "expires_at", "refresh_expires_at", "renewable", "version", "connected_by", "connected_at", "refreshed_at" FROM "channel_tokens" WHERE "channel_id" = ${p(1)}`,
      [channelId],
    );
    if (rows.length === 0) {
      return undefined;
    }
    const row = rows[0];
    const tokens = openTokens(sealedOf(row), channelId, this.keys.current());
    const stored: StoredCredentials = {
      ...tokens,
      channelId,
      version: Number(row.version),
      connectedBy: row.connected_by,
      connectedAt: new Date(row.connected_at),
    };
    if (row.refreshed_at !== null) {
      stored.refreshedAt = new Date(row.refreshed_at);
    }
    return stored;
  }

  async save(
    channelId: string,
    tokens: OAuthTokens,
    by: { actor: string; at: Date; expectedVersion?: number },
  ): Promise<boolean> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const sealed = sealTokens(tokens, channelId, this.keys.current());
    const clear = [
      sealed.keyId,
      sealed.iv,
      sealed.ciphertext,
      sealed.tag,
      instantOrNull(tokens.expiresAt),
      instantOrNull(tokens.refreshExpiresAt),
      bool(manager, tokens.refreshToken !== undefined && tokens.refreshToken !== ''),
    ];
    if (by.expectedVersion === undefined) {
      // A connect: replaces whatever was held, in one statement (two connects at once: the last one wins).
      await manager.query(
        `INSERT INTO "channel_tokens" ("key_id", "iv", "ciphertext", "tag", "expires_at", "refresh_expires_at", "renewable", "channel_id", "version", "connected_by", "connected_at") ` +
          `VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, 1, ${p(9)}, ${p(10)}) ` +
          `ON CONFLICT ("channel_id") DO UPDATE SET "key_id" = excluded."key_id", "iv" = excluded."iv", "ciphertext" = excluded."ciphertext", "tag" = excluded."tag", ` +
          `"expires_at" = excluded."expires_at", "refresh_expires_at" = excluded."refresh_expires_at", "renewable" = excluded."renewable", ` +
          `"version" = "channel_tokens"."version" + 1, "connected_by" = excluded."connected_by", "connected_at" = excluded."connected_at", "refreshed_at" = NULL`,
        [...clear, channelId, by.actor, toDbInstant(by.at)],
      );
      return true;
    }
    // A refresh: only over the version it read; another process's save since wins.
    const affected = await executeCounting(
      manager,
      `UPDATE "channel_tokens" SET "key_id" = ${p(1)}, "iv" = ${p(2)}, "ciphertext" = ${p(3)}, "tag" = ${p(4)}, "expires_at" = ${p(5)}, "refresh_expires_at" = ${p(6)}, "renewable" = ${p(7)}, ` +
        `"version" = "version" + 1, "refreshed_at" = ${p(8)} WHERE "channel_id" = ${p(9)} AND "version" = ${p(10)}`,
      [...clear, toDbInstant(by.at), channelId, by.expectedVersion],
    );
    return affected === 1;
  }

  async remove(channelId: string): Promise<void> {
    const manager = this.tx.manager;
    await manager.query(`DELETE FROM "channel_tokens" WHERE "channel_id" = ${placeholders(manager)(1)}`, [
      channelId,
    ]);
  }

  async expiries(): Promise<CredentialExpiry[]> {
    const rows = await this.tx.manager.query<
      Array<Pick<TokenRow, 'channel_id' | 'expires_at' | 'refresh_expires_at' | 'renewable' | 'version'>>
    >(
      `SELECT "channel_id", "expires_at", "refresh_expires_at", "renewable", "version" FROM "channel_tokens" ORDER BY "channel_id"`,
    );
    return rows.map((row) => {
      const expiry: CredentialExpiry = {
        channelId: row.channel_id,
        renewable: Boolean(row.renewable),
        version: Number(row.version),
      };
      if (row.expires_at !== null) {
        expiry.expiresAt = new Date(row.expires_at);
      }
      if (row.refresh_expires_at !== null) {
        expiry.refreshExpiresAt = new Date(row.refresh_expires_at);
      }
      return expiry;
    });
  }

  async claimRefresh(channelId: string, owner: string, now: Date, until: Date): Promise<boolean> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    // Free, ended, or already ours (a holder may extend its own lease).
    const affected = await executeCounting(
      manager,
      `UPDATE "channel_tokens" SET "refresh_lease_owner" = ${p(1)}, "refresh_lease_until" = ${p(2)} WHERE "channel_id" = ${p(3)} ` +
        `AND ("refresh_lease_owner" IS NULL OR "refresh_lease_until" IS NULL OR "refresh_lease_until" <= ${p(4)} OR "refresh_lease_owner" = ${p(5)})`,
      [owner, toDbInstant(until), channelId, toDbInstant(now), owner],
    );
    return affected === 1;
  }

  async releaseRefresh(channelId: string, owner: string): Promise<void> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    await executeCounting(
      manager,
      `UPDATE "channel_tokens" SET "refresh_lease_owner" = NULL, "refresh_lease_until" = NULL WHERE "channel_id" = ${p(1)} AND "refresh_lease_owner" = ${p(2)}`,
      [channelId, owner],
    );
  }

  /** How many rows each key id encrypted, most first. Needs no key. */
  async keyUsage(): Promise<KeyUsage[]> {
    const rows = await this.tx.manager.query<Array<{ key_id: string; rows: number | string }>>(
      `SELECT "key_id", COUNT(*) AS "rows" FROM "channel_tokens" GROUP BY "key_id" ORDER BY COUNT(*) DESC, "key_id"`,
    );
    return rows.map((row) => ({ keyId: row.key_id, rows: Number(row.rows) }));
  }

  /**
   * Re-encrypts every row under `to`, in one transaction: all rows or none. Rows already under `to` are left as
   * they are (a rotation interrupted and run again); a row under a third key stops it, naming that key. Versions do
   * not move: the tokens are the same. Returns how many rows were re-encrypted.
   */
  async rotateKey(from: SecretKey, to: SecretKey): Promise<number> {
    return this.tx.run(async () => {
      const manager = this.tx.manager;
      const p = placeholders(manager);
      const rows = await manager.query<TokenRow[]>(
        `SELECT "channel_id", "key_id", "iv", "ciphertext", "tag" FROM "channel_tokens" ORDER BY "channel_id"`,
      );
      let rotated = 0;
      for (const row of rows) {
        if (row.key_id === to.id) {
          continue;
        }
        const sealed = sealTokens(openTokens(sealedOf(row), row.channel_id, from), row.channel_id, to);
        await manager.query(
          `UPDATE "channel_tokens" SET "key_id" = ${p(1)}, "iv" = ${p(2)}, "ciphertext" = ${p(3)}, "tag" = ${p(4)} WHERE "channel_id" = ${p(5)}`,
          [sealed.keyId, sealed.iv, sealed.ciphertext, sealed.tag, row.channel_id],
        );
        rotated += 1;
      }
      return rotated;
    });
  }
}

function sealedOf(row: Pick<TokenRow, 'key_id' | 'iv' | 'ciphertext' | 'tag'>): SealedTokens {
  return { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext, tag: row.tag };
}

function instantOrNull(date: Date | undefined): string | null {
  return date ? toDbInstant(date) : null;
}

/** better-sqlite3 binds no booleans (SQLite stores 0/1); node-postgres wants a boolean for a boolean column. */
function bool(manager: EntityManager, value: boolean): boolean | number {
  return manager.connection.options.type === 'postgres' ? value : value ? 1 : 0;
}
