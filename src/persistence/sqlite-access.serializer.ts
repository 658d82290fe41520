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
  queryRunner.query = ((...args: unknown[]) =>
    insideTransaction.getStore()
      ? query(...args)
      : exclusively(() => query(...args))) as QueryRunner['query'];
}
