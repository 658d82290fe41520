import type { DataSource } from 'typeorm';
import { LessThanOrEqual } from 'typeorm';
import { JobEntity } from '../../src/queue/job.entity';
import { toDbInstant } from '../../src/persistence/instant-column.decorator';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('instant columns', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  // Nothing here depends on the process time zone; run with e.g. TZ=Pacific/Chatham to see it hold.
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
  });

  afterAll(async () => {
    await db.dispose();
  });

  const job = (id: string, runAt: Date, queue = 'publish'): JobEntity =>
    dataSource.getRepository(JobEntity).create({
      id,
      queue,
      name: 'publish-post',
      payload: { postId: id },
      runAt,
      state: 'waiting',
      attempts: 0,
      maxAttempts: 3,
      uniqueKey: null,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });

  it('read back the same instant, to the millisecond, that was written', async () => {
    const instants = [
      new Date('2026-03-29T01:30:00.123Z'), // Europe's spring-forward hour
      new Date('2026-10-25T00:59:59.999Z'), // the hour that repeats in autumn
      new Date('1970-01-01T00:00:00.000Z'),
      new Date('9999-12-31T23:59:59.999Z'),
    ];
    const jobs = dataSource.getRepository(JobEntity);
    for (const [index, runAt] of instants.entries()) {
      await jobs.insert(job(`round-trip-${index}`, runAt));
    }

    for (const [index, runAt] of instants.entries()) {
      const loaded = await jobs.findOneByOrFail({ id: `round-trip-${index}` });
      expect(loaded.runAt).toBeInstanceOf(Date);
      expect(loaded.runAt.getTime()).toBe(runAt.getTime());
    }
  });

  it('are stored as UTC text whatever the process time zone', async () => {
    await dataSource
      .getRepository(JobEntity)
      .insert(job('stored-utc', new Date(Date.UTC(2026, 6, 1, 12, 0, 0, 5))));

    const [row] = await dataSource.query(`SELECT run_at FROM jobs WHERE id = 'stored-utc'`);

    expect(row).toEqual({ run_at: '2026-07-01T12:00:00.005Z' });
  });

  it('compare and sort chronologically in find options and raw SQL', async () => {
    const jobs = dataSource.getRepository(JobEntity);
    await jobs.insert([
      job('due-late', new Date('2026-05-01T10:00:00.000Z'), 'sorting'),
      job('due-early', new Date('2026-05-01T09:59:59.999Z'), 'sorting'),
      job('not-due', new Date('2026-05-01T10:00:00.001Z'), 'sorting'),
    ]);
    const now = new Date('2026-05-01T10:00:00.000Z');

    const due = await jobs.find({
      where: { queue: 'sorting', runAt: LessThanOrEqual(now) },
      order: { runAt: 'ASC' },
    });
    const raw = await dataSource.query(
      `SELECT id FROM jobs WHERE queue = 'sorting' AND run_at <= ${dataSource.driver.createParameter('now', 0)} ORDER BY run_at`,
      [toDbInstant(now)],
    );

    expect(due.map((row) => row.id)).toEqual(['due-early', 'due-late']);
    expect(raw).toEqual([{ id: 'due-early' }, { id: 'due-late' }]);
  });

  it('refuse values that are not dates', async () => {
    const bad = job('bad', new Date()) as unknown as { runAt: unknown };
    bad.runAt = '2026-05-01 10:00';

    await expect(dataSource.getRepository(JobEntity).insert(bad as JobEntity)).rejects.toThrow(
      /expected a Date for an instant column/,
    );
  });
});
