import { WebhookTargets } from '../../src/webhooks/webhook-targets.service';
import { ReportRepository } from '../../src/reporting/report.repository';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { incidentService } from '../escalations/incident-service.fixture';
import { NotificationDispatcherService } from '../../src/notifications/notification-dispatcher.service';
import { NotifierHealthService } from '../../src/notifications/notifier-health.service';
import { BrandRepository } from '../../src/persistence/brand.repository';
import { ConfigRevisionRepository } from '../../src/persistence/config-revision.repository';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { ReportDeliveryService } from '../../src/reporting/report-delivery.service';
import { ReportScheduler } from '../../src/reporting/report.scheduler';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { NORTHWIND_CHANNELS, reportConfig } from './report-fixtures';
import { reportHarness, type ReportHarness } from './report-harness';

describe('scheduled reports of several brands (real SQLite, real Chromium, folder delivery)', () => {
  const outbox = mkdtempSync(join(tmpdir(), 'metronome-outbox-'));
  let db: TestDatabase;
  let dataSource: DataSource;
  let harness: ReportHarness;
  let scheduler: ReportScheduler;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    const loaded = reportConfig();
    const northwind = loaded.config.brands.northwind;
    northwind.reports!.delivery = [{ folder: { path: outbox } }];
    // Listed first, and its template is not installed: its report fails on every tick.
    loaded.config.brands = {
      acme: {
        ...northwind,
        name: 'Acme Coffee',
        reports: { ...northwind.reports!, template: 'not-installed' },
      },
      northwind,
    };
    const revisions = new ConfigRevisionRepository(dataSource);
    const seen = new Date('2026-10-01T09:00:00Z');
    const revision = await revisions.record(loaded.revisionHash, loaded.files, {}, seen);
    await revisions.syncBrandsAndChannels(
      revision.id,
      ['acme', 'northwind'].map((id) => ({
        id,
        name: id,
        timezone: 'Europe/London',
        owner: 'ines',
        channels: NORTHWIND_CHANNELS.map(({ key, connector }) => ({ key, connector })),
      })),
      seen,
    );
    harness = reportHarness(dataSource, loaded, {
      reportsDir: mkdtempSync(join(tmpdir(), 'metronome-reports-')),
    });
    const config = new ConfigService(loaded, loaded.baseDir);
    const contexts = new PluginContextFactory(new PluginStateRepository(dataSource));
    const delivery = new ReportDeliveryService(
      new ReportRepository(dataSource),
      config,
      new NotificationDispatcherService(config, contexts, new NotifierHealthService(config), SYSTEM_CLOCK, {
        sleep: async () => undefined,
      }),
      incidentService(dataSource),
      SYSTEM_CLOCK,
      new WebhookTargets(config),
    );
    scheduler = new ReportScheduler(
      config,
      harness.reports,
      harness.service,
      delivery,
      new BrandRepository(dataSource),
      SYSTEM_CLOCK,
    );
  });

  afterAll(async () => {
    await harness.pool.close();
    await db.dispose();
  });

  it('delivers the other brands’ reports when one brand’s report fails', async () => {
    await scheduler.tick(new Date('2026-12-02T07:01:00Z'));
    await scheduler.tick(new Date('2026-12-02T07:02:00Z'));
    expect(readdirSync(outbox)).toEqual(['northwind-2026-11.pdf']);
  });
});
