import type { DataSource } from 'typeorm';
import type { NewIncident } from '../../src/escalations/incident.repository';
import { IncidentRepository } from '../../src/escalations/incident.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { incidentService } from './incident-service.fixture';

const at = new Date('2026-12-07T10:00:00Z');
const policy = { policy: 'owner', levels: [{ targets: ['maya'], afterMs: 60_000 }], repeat: 0 };

function incident(id: string, dedupKey: string): NewIncident {
  return {
    id,
    brandId: null,
    rule: 'guard:channel-quiet',
    subjectKey: dedupKey.split('|')[1],
    dedupKey,
    severity: 'warning',
    title: `Quiet ${dedupKey}`,
    details: { channel: 'acme/social' },
    policySnapshot: policy,
    nextEscalationAt: new Date(at.getTime() + 60_000),
    openedAt: at,
  };
}

describe('IncidentRepository', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let tx: TransactionContext;
  let incidents: IncidentRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    tx = new TransactionContext(dataSource);
    incidents = new IncidentRepository(tx);
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('opens one incident per unresolved (rule, subject): a second is skipped without failing the transaction', async () => {
    const stored = await tx.run(async () => {
      const first = await incidents.insertUnlessUnresolved([incident('i-1', 'guard:q|channel:a')]);
      const second = await incidents.insertUnlessUnresolved([
        incident('i-2', 'guard:q|channel:a'),
        incident('i-3', 'guard:q|channel:b'),
      ]);
      // The transaction is still usable after the skipped row (on Postgres a failed insert would abort it).
      return { first, second, unresolved: await incidents.unresolved('guard:q|channel:a') };
    });

    expect([...stored.first]).toEqual(['i-1']);
    expect([...stored.second]).toEqual(['i-3']);
    expect(stored.unresolved).toMatchObject({
      id: 'i-1',
      state: 'open',
      level: 0,
      details: { channel: 'acme/social' },
      policySnapshot: policy,
      nextEscalationAt: new Date(at.getTime() + 60_000),
      openedAt: at,
    });
  });

  it('opens a new incident for a subject whose previous one was resolved', async () => {
    const service = incidentService(dataSource);
    const input = {
      brandId: null,
      rule: 'guard:r',
      subjectKey: 'channel:c',
      title: 'Quiet c',
      severity: 'warning' as const,
      details: {},
      policy,
      at,
    };
    const { incident: first, opened } = await service.open(input);
    expect(opened).toBe(true);
    expect((await service.open(input)).incident.id).toBe(first.id);
    expect((await service.open(input)).opened).toBe(false);

    await service.resolve(first.id, 'maya', at);
    const again = await service.open(input);

    expect(again.opened).toBe(true);
    expect(again.incident.id).not.toBe(first.id);
  });

  it('claims an escalation step once', async () => {
    expect(await incidents.dueForEscalation(new Date(at.getTime() + 59_000), 10)).toEqual([]);
    const due = await incidents.dueForEscalation(new Date(at.getTime() + 60_000), 10);
    expect(due.map((i) => i.id)).toContain('i-1');

    expect(await incidents.claimStep('i-1', 0, null)).toBe(true);
    expect(await incidents.claimStep('i-1', 0, null)).toBe(false);
    expect(await incidents.byId('i-1')).toMatchObject({ level: 1, nextEscalationAt: null });
  });
});
