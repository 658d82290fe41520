import type { DataSource } from 'typeorm';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { createTestDatabase, type TestDatabase } from './test-database';

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
