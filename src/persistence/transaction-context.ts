import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, type EntityManager } from 'typeorm';

/** One open transaction: its manager, and what runs once it has committed. */
interface OpenTransaction {
  readonly manager: EntityManager;
  readonly afterCommit: Array<() => Promise<void> | void>;
}

/**
 * The transaction travels in async context, not as a parameter: `run(work)` opens a transaction (or joins the
 * one this call already runs in), and every repository reads its EntityManager from `manager`, so a service
 * composes repository calls into one atomic change without handing a manager down through its callees.
 *
 * Node's AsyncLocalStorage, not a CLS library: the same mechanism the SQLite access serializer already uses,
 * no peer-dependency constraints (nestjs-cls 7 needs Node 22), and it works the same inside Nest, in the CLI's
 * application contexts and in tests that build a repository by hand.
 */
@Injectable()
export class TransactionContext {
  private readonly open = new AsyncLocalStorage<OpenTransaction>();

  constructor(private readonly dataSource: DataSource) {}

  /** The open transaction's manager, or the DataSource's own outside any transaction (auto-commit). */
  get manager(): EntityManager {
    return this.open.getStore()?.manager ?? this.dataSource.manager;
  }

  /** True inside `run`. */
  get active(): boolean {
    return this.open.getStore() !== undefined;
  }

  /** A token for the open transaction (undefined outside one), for per-transaction bookkeeping such as pending events. */
  get current(): object | undefined {
    return this.open.getStore();
  }

  /**
   * Runs `work` in a transaction: joins the one already open in this async context (everything commits or rolls
   * back with it), or opens one, commits it when `work` resolves, then runs the after-commit callbacks.
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.open.getStore()) {
      return work();
    }
    const afterCommit: OpenTransaction['afterCommit'] = [];
    const result = await this.dataSource.transaction((manager) =>
      this.open.run({ manager, afterCommit }, work),
    );
    for (const callback of afterCommit) {
      await callback();
    }
    return result;
  }

  /** Runs `callback` once the open transaction has committed (never if it rolls back); at once outside one. */
  async afterCommit(callback: () => Promise<void> | void): Promise<void> {
    const open = this.open.getStore();
    if (open) {
      open.afterCommit.push(callback);
    } else {
      await callback();
    }
  }
}
