import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';

/** The instant a free (or released) lease row expires at: long past. */
const EXPIRED = new Date(0);

/**
 * The `cluster_leases` table. Unlike the other repositories it never joins the TransactionContext: a lease is
 * taken, renewed and released on the DataSource's own connection (auto-commit), so other replicas see it at
 * once, whatever transaction the work it guards runs in. Works on SQLite and Postgres.
 */
@Injectable()
export class ClusterLeaseRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Gives the lease `name` to `holder` until `expiresAt` when it is free, expired at `now`, or already
   * `holder`'s; true when it did. Safe to race: the UPDATE's condition lets exactly one contender win.
   */
  async take(name: string, holder: string, expiresAt: Date, now: Date): Promise<boolean> {
    const manager = this.dataSource.manager;
    const p = placeholders(manager);
    // A row that is already there makes this a no-op; the conditional UPDATE below then decides.
    await manager.query(
      `INSERT INTO "cluster_leases" ("name", "holder", "expires_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}) ON CONFLICT ("name") DO NOTHING`,
      [name, '', toDbInstant(EXPIRED)],
    );
    const changed = await executeCounting(
      manager,
      `UPDATE "cluster_leases" SET "holder" = ${p(1)}, "expires_at" = ${p(2)} WHERE "name" = ${p(3)} AND ("holder" = ${p(4)} OR "expires_at" < ${p(5)})`,
      [holder, toDbInstant(expiresAt), name, holder, toDbInstant(now)],
    );
    return changed === 1;
  }

  /** Frees the lease `name` if `holder` has it. */
  async release(name: string, holder: string): Promise<void> {
    const manager = this.dataSource.manager;
    const p = placeholders(manager);
    await manager.query(
      `UPDATE "cluster_leases" SET "holder" = '', "expires_at" = ${p(1)} WHERE "name" = ${p(2)} AND "holder" = ${p(3)}`,
      [toDbInstant(EXPIRED), name, holder],
    );
  }

  /** Who holds `name` at `now` (undefined when nobody does). */
  async holderAt(name: string, now: Date): Promise<string | undefined> {
    const manager = this.dataSource.manager;
    const p = placeholders(manager);
    const rows = await manager.query<Array<{ holder: string }>>(
      `SELECT "holder" FROM "cluster_leases" WHERE "name" = ${p(1)} AND "expires_at" >= ${p(2)} AND "holder" <> ''`,
      [name, toDbInstant(now)],
    );
    return rows[0]?.holder;
  }
}
