import { Injectable } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { TransactionContext } from '../persistence/transaction-context';
import { DomainEvent } from './domain-event';
import { DomainEventBus } from './domain-event.bus';
import { EventOutboxRepository } from './event-outbox.repository';

/** An event still in the outbox this long after its commit belongs to a process that stopped. */
const REDELIVER_AFTER_MS = 60_000;

/**
 * Runs work in a transaction and publishes the events it recorded only once the transaction has
 * committed: rules never react to a change that was rolled back. The events are also written to the
 * outbox in that transaction and removed once handled, so none is lost when a process dies in between:
 * `redeliverStale` (on the scheduler's tick) hands them to the bus again.
 *
 * The transaction is the TransactionContext's (it travels in async context): every repository called inside
 * `run` joins it without being handed a manager, and a `run` inside an open transaction joins that one (its
 * events are published once the outer transaction commits).
 */
@Injectable()
export class TransactionalEvents {
  /** Events recorded so far, per open transaction (the TransactionContext's token for it). */
  private readonly pending = new WeakMap<object, DomainEvent[]>();

  constructor(
    private readonly tx: TransactionContext,
    private readonly bus: DomainEventBus,
    private readonly outbox: EventOutboxRepository,
    private readonly clock: Clock,
  ) {}

  /** Runs `work` in a transaction (repositories called inside join it through the TransactionContext). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    return this.tx.run(async () => {
      const token = this.tx.current as object;
      if (this.pending.has(token)) {
        // A run inside a run: its events join the outer one's and go out with them.
        return work();
      }
      const events: DomainEvent[] = [];
      this.pending.set(token, events);
      let value: T;
      try {
        value = await work();
      } finally {
        this.pending.delete(token);
      }
      if (events.length > 0) {
        const ids = await this.outbox.store(events, this.clock.now());
        await this.tx.afterCommit(async () => {
          await this.bus.publish(events);
          await this.outbox.remove(ids);
        });
      }
      return value;
    });
  }

  /** Publishes events whose process committed them but stopped before handling them; returns how many. */
  async redeliverStale(now: Date): Promise<number> {
    const stale = await this.outbox.stale(new Date(now.getTime() - REDELIVER_AFTER_MS), 500);
    for (const { id, event } of stale) {
      await this.bus.publish([event]);
      await this.outbox.remove([id]);
    }
    return stale.length;
  }

  /** Records an event for after the commit of the transaction this call runs in (inside `run`). */
  record(event: DomainEvent): void {
    const token = this.tx.current;
    const events = token ? this.pending.get(token) : undefined;
    if (!events) {
      throw new Error(
        `event ${event.type} recorded outside TransactionalEvents.run: it would never be published`,
      );
    }
    events.push(event);
  }
}
