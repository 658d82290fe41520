import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvent } from './domain-event';
import { DomainEventBus } from './domain-event.bus';
import { EventOutbox } from './event-outbox';

/** An event still in the outbox this long after its commit belongs to a process that stopped. */
const REDELIVER_AFTER_MS = 60_000;

/**
 * Runs work in a transaction and publishes the events it recorded only once the transaction has
 * committed: rules never react to a change that was rolled back. The events are also written to the
 * outbox in that transaction and removed once handled, so none is lost when a process dies in between:
 * `redeliverStale` (on the scheduler's tick) hands them to the bus again.
 */
@Injectable()
export class TransactionalEvents {
  private readonly pending = new WeakMap<EntityManager, DomainEvent[]>();
  private readonly outbox: EventOutbox;

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: DomainEventBus,
  ) {
    this.outbox = new EventOutbox(dataSource);
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const events: DomainEvent[] = [];
    let ids: string[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      this.pending.set(manager, events);
      const value = await work(manager);
      ids = events.length > 0 ? await this.outbox.store(manager, events, new Date()) : [];
      return value;
    });
    if (events.length > 0) {
      await this.bus.publish(events);
      await this.outbox.remove(ids);
    }
    return result;
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

  /** Records an event for after the commit of the transaction `manager` belongs to. */
  record(manager: EntityManager, event: DomainEvent): void {
    const events = this.pending.get(manager);
    if (!events) {
      throw new Error(
        `event ${event.type} recorded outside TransactionalEvents.run: it would never be published`,
      );
    }
    events.push(event);
  }
}
