import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * TypeORM drives better-sqlite3 through a single connection shared by every caller. Left alone, two
 * overlapping `dataSource.transaction()` calls collide ("cannot start a transaction within a transaction")
 * and, worse, a query from an unrelated caller that runs while a transaction is open becomes part of it
 * and is committed or rolled back with it.
 *
 * This gives each transaction the connection to itself: transactions and queries from outside any
 * transaction queue up in arrival order, while queries from inside the running transaction (recognised
 * through async context) go straight through, as do nested transactions (savepoints).
 *
 * Covers `dataSource.transaction`, `dataSource.manager.transaction` and everything built on them. A
 * transaction opened by hand through a query runner (`createQueryRunner().startTransaction()` or
 * `createQueryRunner().manager.transaction()`) is not covered; the migration runner does that, which is
 * fine because migrations run before the app starts working.
 */
export function serializeSqliteAccess(dataSource: DataSource): void {
  const insideTransaction = new AsyncLocalStorage<true>();
  let tail: Promise<unknown> = Promise.resolve();
  const exclusively = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = (...args: unknown[]) =>
    insideTransaction.getStore()
      ? transaction(...args)
      : exclusively(() => insideTransaction.run(true, () => transaction(...args)));

  // The driver hands every caller this same query runner.
  const queryRunner: QueryRunner = dataSource.driver.createQueryRunner('master');
  const query = queryRunner.query.bind(queryRunner) as (...args: unknown[]) => Promise<unknown>;
  const connection = () =>
    (dataSource.driver as unknown as { databaseConnection: RawSqlite }).databaseConnection;

  /**
   * Group commit. Statements from outside any transaction that arrive while the connection is busy wait in one
   * group; the group runs as one transaction (one WAL commit instead of one per statement, which is most of
   * a small write's cost) and each caller is answered only after that commit, so what a caller is told is
   * as durable as before. A statement that fails is undone alone (SQLite rolls back the failing statement,
   * not the transaction) and only its caller gets the error; should SQLite abandon the transaction itself
   * (disk full, I/O error), every caller of the group gets that error.
   */
  let open: Array<Queued> | undefined;
  const grouped = (args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (!open) {
        const group: Queued[] = [];
        open = group;
        // On the next turn of the event loop: the callers that are busy now join this group meanwhile.
        setImmediate(() => void exclusively(() => runGroup(group)));
      }
      open.push({ args, resolve, reject });
    });
  const runGroup = async (group: Queued[]): Promise<void> => {
    if (open === group) {
      open = undefined; // later statements start the next group
    }
    if (group.length === 1 || !group.some(({ args }) => WRITE.test(String(args[0])))) {
      for (const item of group) {
        await query(...item.args).then(item.resolve, item.reject);
      }
      return;
    }
    const db = connection();
    db.exec('BEGIN IMMEDIATE');
    const outcomes: Array<{ value?: unknown; error?: unknown }> = [];
    let abandoned: unknown;
    for (const item of group) {
      try {
        outcomes.push({ value: await query(...item.args) });
      } catch (error) {
        outcomes.push({ error });
        if (!db.inTransaction) {
          abandoned = error;
          break;
        }
      }
    }
    if (abandoned === undefined) {
      try {
        db.exec('COMMIT');
      } catch (error) {
        abandoned = error;
        if (db.inTransaction) {
          db.exec('ROLLBACK');
        }
      }
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i];
      if (abandoned !== undefined) {
        item.reject(outcome?.error ?? abandoned);
      } else if (outcome.error !== undefined) {
        item.reject(outcome.error);
      } else {
        item.resolve(outcome.value);
      }
    });
  };

  queryRunner.query = ((...args: unknown[]) =>
    insideTransaction.getStore()
      ? query(...args)
      : !queryRunner.isTransactionActive && GROUPABLE.test(String(args[0]))
        ? grouped(args)
        : exclusively(() => query(...args))) as QueryRunner['query'];
}

interface Queued {
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The better-sqlite3 database under TypeORM's driver: what the group commit needs of it. */
interface RawSqlite {
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
}

/** Plain data statements may share a transaction; anything else (PRAGMA, DDL, BEGIN…) runs on its own. */
const GROUPABLE = /^\s*(select|insert|update|delete|replace)\b/i;
const WRITE = /^\s*(insert|update|delete|replace)\b/i;
