import type { DataSource, Repository } from 'typeorm';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { isUniqueViolation } from '../../src/persistence/unique-violation';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('incidents', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let incidents: Repository<IncidentEntity>;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    incidents = dataSource.getRepository(IncidentEntity);
  });

  afterAll(async () => {
    await db.dispose();
  });

  const open = (dedupKey: string): IncidentEntity =>
    incidents.create({
      brandId: null,
      rule: 'unanswered-mention',
      subjectKey: 'inbox:42',
      dedupKey,
      state: 'open',
      severity: 'warning',
      title: 'Mention unanswered for 2h',
      details: { itemId: '42' },
      policySnapshot: { levels: [] },
      level: 0,
      nextEscalationAt: null,
      openedAt: new Date('2026-02-01T08:00:00.000Z'),
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
    });

  it('allow one unresolved incident per dedup key, acknowledged ones included', async () => {
    const first = await incidents.save(open('rule-a:inbox:42'));

    const duplicate = await incidents.insert(open('rule-a:inbox:42')).catch((error: unknown) => error);
    expect(isUniqueViolation(duplicate)).toBe(true);

    await incidents.update({ id: first.id }, { state: 'acknowledged', acknowledgedBy: 'bob' });
    const stillDuplicate = await incidents.insert(open('rule-a:inbox:42')).catch((error: unknown) => error);
    expect(isUniqueViolation(stillDuplicate)).toBe(true);

    await expect(incidents.insert(open('rule-b:inbox:42'))).resolves.toBeDefined();
  });

  it('let the rule fire again once the previous incident is resolved', async () => {
    const first = await incidents.save(open('rule-c:inbox:7'));
    await incidents.update(
      { id: first.id },
      { state: 'resolved', resolvedAt: new Date(), resolvedBy: 'bob' },
    );

    const second = await incidents.save(open('rule-c:inbox:7'));
    await incidents.update(
      { id: second.id },
      { state: 'resolved', resolvedAt: new Date(), resolvedBy: 'bob' },
    );
    await incidents.save(open('rule-c:inbox:7'));

    expect(await incidents.countBy({ dedupKey: 'rule-c:inbox:7' })).toBe(3);
    expect(await incidents.countBy({ dedupKey: 'rule-c:inbox:7', state: 'open' })).toBe(1);
  });
});
