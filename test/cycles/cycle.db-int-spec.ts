import type { DataSource } from 'typeorm';
import { createContentServices } from '../content/content-services.fixture';
import { CycleRepository } from '../../src/cycles/cycle.repository';
import { CycleStatusQuery } from '../../src/cycles/cycle-status.query';
import { CycleService } from '../../src/cycles/cycle.service';
import type { DomainEvent } from '../../src/events/domain-event';
import { DomainEventBus } from '../../src/events/domain-event.bus';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { CycleEntity } from '../../src/cycles/cycle.entity';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { incidentService } from '../escalations/incident-service.fixture';

describe('cycle engine', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let cycles: CycleService;
  const published: DomainEvent[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource);
    const bus = new DomainEventBus();
    bus.subscribe(async (event) => {
      published.push(event);
    });
    cycles = new CycleService(
      new CycleRepository(new TransactionContext(dataSource)),
      (await createContentServices(dataSource, bus)).events,
      new AuditRepository(dataSource),
    );
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('keeps this month and the next as cycles and announces stage changes once', async () => {
    expect(await cycles.tick(ws.loaded.config, new Date('2026-11-20T12:00:00Z'))).toBe(0);
    const rows = await dataSource.getRepository(CycleEntity).find({ order: { periodStart: 'ASC' } });
    expect(rows.map((c) => [c.periodStart.toISOString(), c.stage, c.owner])).toEqual([
      ['2026-11-01T00:00:00.000Z', 'publish', 'maya'],
      ['2026-12-01T00:00:00.000Z', 'plan', 'maya'],
    ]);
    // December's plan was due 7 days before it starts (2026-11-24): it is now preparing.
    expect(await cycles.tick(ws.loaded.config, new Date('2026-11-25T12:00:00Z'))).toBe(1);
    expect(await cycles.tick(ws.loaded.config, new Date('2026-11-25T12:05:00Z'))).toBe(0);
    expect(published).toEqual([
      expect.objectContaining({
        type: 'cycle.stage_changed',
        brandId: 'acme',
        data: { previousStage: 'plan' },
      }),
    ]);
  });

  it('reports plan against cadence, approvals, incidents and next deadlines', async () => {
    ws.write('one.md', post('title: One\ncampaign: winter\npublish: 2026-12-09 09:15'));
    await ws.sync.syncBrand(ws.loaded, 'acme', new Date('2026-11-25T12:00:00Z'));
    const incidents = incidentService(dataSource);
    for (const [subjectKey, severity] of [
      ['channel:a', 'warning'],
      ['channel:b', 'critical'],
    ] as const) {
      await incidents.open({
        brandId: 'acme',
        rule: 'guard:channel-quiet',
        subjectKey,
        title: `Quiet ${subjectKey}`,
        severity,
        details: {},
        policy: { policy: 'owner', levels: [{ targets: ['maya'], afterMs: 0 }], repeat: 0 },
        at: new Date('2026-11-25T11:00:00Z'),
      });
    }
    const [status] = await new CycleStatusQuery(
      new CycleRepository(new TransactionContext(dataSource)),
      (await createContentServices(dataSource)).queries,
    ).status(ws.loaded.config, new Date('2026-11-25T12:00:00Z'));
    expect(status.months).toEqual([
      expect.objectContaining({ month: '2026-11', stage: 'publish', postsPlanned: 0 }),
      expect.objectContaining({ month: '2026-12', stage: 'prepare', postsPlanned: 1, cadenceTarget: 13 }),
    ]);
    expect(status).toMatchObject({
      owner: 'maya',
      approvalsPending: 1,
      approvalsOverdue: 0,
      inboxWaiting: 0,
      incidents: { open: 2, acknowledged: 0, top: ['critical: Quiet channel:b', 'warning: Quiet channel:a'] },
    });
    expect(status.nextDeadlines[0]).toEqual({
      what: '"copy review" for "One"',
      at: '2026-12-07T09:15:00.000Z',
    });
  });
});
