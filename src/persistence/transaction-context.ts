import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type EntityManager } from 'typeorm';

/** One open transaction: its database, its manager, and what runs once it has committed. */
interface OpenTransaction {
  readonly dataSource: DataSource;
  readonly manager: EntityManager;
  readonly afterCommit: Array<() => Promise<void> | void>;
}

/**
 * The transaction travels in async context, not as a parameter: `run(work)` opens a transaction (or joins the
 * one this call already runs in), and every repository reads its EntityManager from `manager`, so a service
 * composes repository calls into one atomic change without handing a manager down through its callees.
 *
 * The async context is one per process, not per instance: every TransactionContext (and every repository that
 * reads `transactionManagerOf`) on the same DataSource joins the same transaction, so a hand-built repository in a
 * test or a script takes part in a service's transaction just as an injected one does.
 *
 * Node's AsyncLocalStorage, not a CLS library: the same mechanism the SQLite access serializer already uses,
 * no peer-dependency constraints (nestjs-cls 7 needs Node 22), and it works the same inside Nest, in the CLI's
 * application contexts and in tests that build a repository by hand.
 */
const open = new AsyncLocalStorage<OpenTransaction>();

/** The transaction open on `dataSource` in this async context, if any. */
function openOn(dataSource: DataSource): OpenTransaction | undefined {
  const store = open.getStore();
  return store?.dataSource === dataSource ? store : undefined;
}

/** The manager of the transaction open on `dataSource` in this async context, or the DataSource's own (auto-commit). */
export function transactionManagerOf(dataSource: DataSource): EntityManager {
  return openOn(dataSource)?.manager ?? dataSource.manager;
}

@Injectable()
export class TransactionContext {
  constructor(private readonly dataSource: DataSource) {}

  /** The open transaction's manager, or the DataSource's own outside any transaction (auto-commit). */
  get manager(): EntityManager {
    return transactionManagerOf(this.dataSource);
  }

  /** True inside `run`. */
  get active(): boolean {
    return openOn(this.dataSource) !== undefined;
  }

  /** A token for the open transaction (undefined outside one), for per-transaction bookkeeping such as pending events. */
  get current(): object | undefined {
    return openOn(this.dataSource);
  }

  /**
   * Runs `work` in a transaction: joins the one already open in this async context (everything commits or rolls
   * back with it), or opens one, commits it when `work` resolves, then runs the after-commit callbacks.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (openOn(this.dataSource)) {
      return work();
    }
    const afterCommit: OpenTransaction['afterCommit'] = [];
    const result = await this.dataSource.transaction((manager) =>
      open.run({ dataSource: this.dataSource, manager, afterCommit }, work),
    );
    for (const callback of afterCommit) {
      await callback();
    }
    return result;
  }

  /** Runs `callback` once the open transaction has committed (never if it rolls back); at once outside one. */
  async afterCommit(callback: () => Promise<void> | void): Promise<void> {
    const transaction = openOn(this.dataSource);
    if (transaction) {
      transaction.afterCommit.push(callback);
    } else {
      await callback();
    }
  }
}
