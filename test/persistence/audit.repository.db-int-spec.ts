import type { DataSource } from 'typeorm';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('AuditRepository', () => {
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

  const event = { actor: 'scheduler', action: 'post.state_changed', subjectType: 'post', subjectId: 'p1' };

  it('appends events with increasing ids', async () => {
    const first = await audit.append({ ...event, data: { from: 'approved', to: 'scheduled' } });
    const second = await audit.append(event);

    expect(second.id).toBeGreaterThan(first.id);
    const stored = await dataSource.getRepository(AuditEventEntity).findOneByOrFail({ id: first.id });
    expect(stored).toMatchObject({ ...event, data: { from: 'approved', to: 'scheduled' } });
  });

  it("commits and rolls back with the caller's transaction", async () => {
    const before = await dataSource.getRepository(AuditEventEntity).count();

    await expect(
      dataSource.transaction(async (manager) => {
        await audit.append({ ...event, subjectId: 'rolled-back' }, manager);
        throw new Error('state change lost the race');
      }),
    ).rejects.toThrow('state change lost the race');
    await dataSource.transaction(async (manager) => {
      await audit.append({ ...event, subjectId: 'committed' }, manager);
    });

    const events = dataSource.getRepository(AuditEventEntity);
    expect(await events.countBy({ subjectId: 'rolled-back' })).toBe(0);
    expect(await events.countBy({ subjectId: 'committed' })).toBe(1);
    expect(await events.count()).toBe(before + 1);
  });
});
