import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainEvent } from './domain-event';
import { DomainEventBus } from './domain-event.bus';

/**
 * Runs work in a transaction and publishes the events it recorded only once the transaction has
 * committed: rules never react to a change that was rolled back.
 */
@Injectable()
export class TransactionalEvents {
  private readonly pending = new WeakMap<EntityManager, DomainEvent[]>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: DomainEventBus,
  ) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const events: DomainEvent[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      this.pending.set(manager, events);
      return work(manager);
    });
    await this.bus.publish(events);
    return result;
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
