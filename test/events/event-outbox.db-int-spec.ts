import type { DataSource } from 'typeorm';
import type { DomainEvent } from '../../src/events/domain-event';
import { DomainEventBus } from '../../src/events/domain-event.bus';
import { EventOutboxRepository } from '../../src/events/event-outbox.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { transactionalEvents } from './transactional-events.fixture';
import { TransactionalEvents } from '../../src/events/transactional-events';
import { DomainEventEntity } from '../../src/events/domain-event.entity';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

describe('domain events outbox', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let events: TransactionalEvents;
  const heard: DomainEvent[] = [];
  const event: DomainEvent = {
    type: 'post.failed',
    brandId: 'acme',
    subject: { type: 'post', id: 'p1' },
    at: new Date('2026-11-02T09:00:00Z'),
    data: { channel: 'social' },
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    const bus = new DomainEventBus();
    bus.subscribe(async (e) => {
      heard.push(e);
    });
    events = transactionalEvents(dataSource, bus);
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('publishes after commit and leaves nothing in the outbox', async () => {
    await events.run(async () => events.record(event));
    expect(heard).toEqual([event]);
    expect(await dataSource.getRepository(DomainEventEntity).count()).toBe(0);
  });

  it('keeps nothing of a rolled-back transaction', async () => {
    heard.length = 0;
    await expect(
      events.run(async () => {
        events.record(event);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(heard).toEqual([]);
    expect(await dataSource.getRepository(DomainEventEntity).count()).toBe(0);
  });

  it('delivers again, once, an event whose process stopped between commit and handling', async () => {
    heard.length = 0;
    const committedAt = new Date();
    // What a process killed right after its commit leaves behind.
    const tx = new TransactionContext(dataSource);
    await tx.run(() => new EventOutboxRepository(tx).store([event], committedAt));
    expect(await events.redeliverStale(new Date(committedAt.getTime() + 30_000))).toBe(0); // may still be in hand
    expect(await events.redeliverStale(new Date(committedAt.getTime() + 61_000))).toBe(1);
    expect(heard).toEqual([event]);
    expect(await events.redeliverStale(new Date(committedAt.getTime() + 120_000))).toBe(0);
  });
});
