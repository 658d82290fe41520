import type { DataSource } from 'typeorm';
import { JobEntity } from '../../src/persistence/entities/job.entity';
import { InlineQueueDriver } from '../../src/queue/inline-queue.driver';
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

  it('stores jobs as rows, and a unique key enqueued twice is one job', async () => {
    const driver = new InlineQueueDriver(dataSource);
    const runAt = new Date('2026-12-01T09:00:00Z');
    await driver.enqueue(
      'rules',
      'sweep',
      { brand: 'demo' },
      { runAt, uniqueKey: 'rules:sweep:2026-12-01T09' },
    );
    await driver.enqueue(
      'rules',
      'sweep',
      { brand: 'demo' },
      { runAt, uniqueKey: 'rules:sweep:2026-12-01T09' },
    );
    await driver.enqueue('publish', 'post', { postId: 'p1' });
    const jobs = await dataSource.getRepository(JobEntity).find({ order: { queue: 'ASC' } });
    expect(jobs.map((j) => [j.queue, j.name, j.state, j.uniqueKey])).toEqual([
      ['publish', 'post', 'waiting', null],
      ['rules', 'sweep', 'waiting', 'rules:sweep:2026-12-01T09'],
    ]);
    expect(jobs[1].runAt.toISOString()).toBe(runAt.toISOString());
    expect(await driver.health()).toEqual({ status: 'ok', detail: '2 waiting' });
  });
});
