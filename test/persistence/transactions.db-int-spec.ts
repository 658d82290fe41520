import type { DataSource } from 'typeorm';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { createTestDatabase, testDialect, type TestDatabase } from './test-database';

/** Overlapping callers, as the API, scheduler and inline workers produce in one process. */
describe('concurrent transactions', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let audit: AuditRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    audit = new AuditRepository(dataSource);
  });

  afterAll(async () => {
    await db.dispose();
  });

  const event = (subjectId: string) => ({ actor: 'worker', action: 'test', subjectType: 'test', subjectId });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const count = (subjectId: string) => dataSource.getRepository(AuditEventEntity).countBy({ subjectId });

  it('keep a failing transaction from taking an overlapping one down with it', async () => {
    const results = await Promise.allSettled([
      dataSource.transaction(async (manager) => {
        await audit.append(event('fails'), manager);
        await pause(30);
        throw new Error('lost the race');
      }),
      dataSource.transaction(async (manager) => {
        await pause(5);
        await audit.append(event('commits'), manager);
      }),
    ]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled']);
    expect(await count('fails')).toBe(0);
    expect(await count('commits')).toBe(1);
  });

  it('keep a write made outside a transaction out of a transaction that rolls back', async () => {
    const transaction = dataSource
      .transaction(async (manager) => {
        await audit.append(event('inside'), manager);
        await pause(30);
        throw new Error('rolled back');
      })
      .catch((error: unknown) => error);
    await pause(5);
    await audit.append(event('outside'));
    await transaction;

    expect(await count('inside')).toBe(0);
    expect(await count('outside')).toBe(1);
  });

  it('still allow a transaction inside a transaction', async () => {
    await dataSource.transaction(async (outer) => {
      await audit.append(event('outer'), outer);
      await outer
        .transaction(async (inner) => {
          await audit.append(event('inner'), inner);
          throw new Error('inner fails');
        })
        .catch(() => undefined);
      await dataSource.transaction(async (again) => audit.append(event('nested-ok'), again));
    });

    expect(await count('outer')).toBe(1);
    expect(await count('nested-ok')).toBe(1);
  });
});

/** SQLite's group commit: statements from outside a transaction that pile up share one commit. */
// Skipped on Postgres on purpose: group commit is how this project batches SQLite writes; Postgres commits each
// transaction itself. The SQLite run (npm test) executes it.
(testDialect() === 'sqlite' ? describe : describe.skip)('group commit on SQLite', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let audit: AuditRepository;
  let commits = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    audit = new AuditRepository(dataSource);
    const raw = (dataSource.driver as unknown as { databaseConnection: { exec(sql: string): unknown } })
      .databaseConnection;
    const exec = raw.exec.bind(raw);
    raw.exec = (sql: string) => {
      commits += sql === 'COMMIT' ? 1 : 0;
      return exec(sql);
    };
  });

  afterAll(async () => {
    await db.dispose();
  });

  const event = (subjectId: string) => ({ actor: 'worker', action: 'test', subjectType: 'test', subjectId });
  const count = (subjectId: string) => dataSource.getRepository(AuditEventEntity).countBy({ subjectId });

  it('commits many concurrent writes in a few transactions, each answered once it is committed', async () => {
    commits = 0;
    const writes = Array.from({ length: 200 }, (_, i) =>
      audit.append(event(`group-${i}`)).then(async () => count(`group-${i}`)),
    );
    // Each caller, once answered, already sees its own row (read after the commit).
    expect(await Promise.all(writes)).toEqual(Array.from({ length: 200 }, () => 1));
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(20);
  });

  it('fails only the statement that fails: the others of its group commit', async () => {
    const results = await Promise.allSettled([
      audit.append(event('before-bad')),
      dataSource.query('INSERT INTO "audit_events" ("id", "at") VALUES (1, NULL)'), // NOT NULL and PK: refused
      audit.append(event('after-bad')),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await count('before-bad')).toBe(1);
    expect(await count('after-bad')).toBe(1);
  });

  it('keeps grouped writes out of a transaction that rolls back meanwhile', async () => {
    const transaction = dataSource
      .transaction(async (manager) => {
        await audit.append(event('inside-group'), manager);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('rolled back');
      })
      .catch((error: unknown) => error);
    const outside = Promise.all([audit.append(event('outside-1')), audit.append(event('outside-2'))]);
    await Promise.all([transaction, outside]);

    expect(await count('inside-group')).toBe(0);
    expect(await count('outside-1')).toBe(1);
    expect(await count('outside-2')).toBe(1);
  });
});
