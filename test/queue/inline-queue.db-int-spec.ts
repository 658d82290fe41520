import type { DataSource } from 'typeorm';
import { JobEntity } from '../../src/queue/job.entity';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { InlineQueueDriver } from '../../src/queue/inline-queue.driver';
import { JobRepository } from '../../src/queue/job.repository';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

describe('inline queue driver', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
  });

  afterAll(async () => {
    await database.dispose();
  });

  const job = (queue: string, state: JobEntity['state']): JobEntity =>
    dataSource.getRepository(JobEntity).create({
      queue,
      name: 'sweep',
      payload: {},
      runAt: new Date('2026-12-01T09:00:00Z'),
      state,
      attempts: 0,
      maxAttempts: 5,
      uniqueKey: null,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
      createdAt: new Date('2026-12-01T08:00:00Z'),
      updatedAt: new Date('2026-12-01T08:00:00Z'),
    });

  it('reports its waiting jobs to /health, and the database being down', async () => {
    const driver = new InlineQueueDriver(new JobRepository(new TransactionContext(dataSource)));
    expect(await driver.health()).toEqual({ status: 'ok', detail: '0 waiting' });
    await dataSource
      .getRepository(JobEntity)
      .save([job('rules', 'waiting'), job('publish', 'waiting'), job('publish', 'completed')]);
    expect(await driver.health()).toEqual({ status: 'ok', detail: '2 waiting' });

    const closed = await database.openMigrated();
    await closed.destroy();
    const down = await new InlineQueueDriver(new JobRepository(new TransactionContext(closed))).health();
    expect(down.status).toBe('down');
  });
});
