import type { DataSource } from 'typeorm';
import { SYSTEM_CLOCK, type Clock } from '../../src/clock/clock';
import { DomainEventBus } from '../../src/events/domain-event.bus';
import { EventOutboxRepository } from '../../src/events/event-outbox.repository';
import { TransactionalEvents } from '../../src/events/transactional-events';
import { TransactionContext } from '../../src/persistence/transaction-context';

/** TransactionalEvents on `dataSource`, for a test that builds its services without Nest. */
export function transactionalEvents(
  dataSource: DataSource,
  bus = new DomainEventBus(),
  clock: Clock = SYSTEM_CLOCK,
): TransactionalEvents {
  const tx = new TransactionContext(dataSource);
  return new TransactionalEvents(tx, bus, new EventOutboxRepository(tx), clock);
}
