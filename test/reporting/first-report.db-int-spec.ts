import { WebhookTargets } from '../../src/webhooks/webhook-targets.service';
import { ReportRepository } from '../../src/reporting/report.repository';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { LoadedConfig } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { incidentService } from '../escalations/incident-service.fixture';
import { NotificationDispatcherService } from '../../src/notifications/notification-dispatcher.service';
import { NotifierHealthService } from '../../src/notifications/notifier-health.service';
import { BrandRepository } from '../../src/persistence/brand.repository';
import { ConfigRevisionRepository } from '../../src/persistence/config-revision.repository';
import { ReportEntity } from '../../src/reporting/report.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { ReportDeliveryService } from '../../src/reporting/report-delivery.service';
import { ReportScheduler } from '../../src/reporting/report.scheduler';
import { TestSmtpServer } from '../notifications/test-smtp.server';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { NORTHWIND_CHANNELS, reportConfig } from './report-fixtures';
import { reportHarness, type ReportHarness } from './report-harness';

/**
 * A fresh install: the configuration is recorded on the first start (which is when this database first sees
 * the brand), and the scheduler runs. Nothing goes to the client for a month before that.
 */
describe('the first scheduled report of a brand (real SQLite, real SMTP server, real Chromium)', () => {
  const smtp = new TestSmtpServer();
  let db: TestDatabase;
  let dataSource: DataSource;
  let loaded: LoadedConfig;
  let harness: ReportHarness;
  let delivery: ReportDeliveryService;
  let scheduler: ReportScheduler;
  const firstStart = new Date('2026-11-20T09:00:00Z');
  const reportRows = () => dataSource.getRepository(ReportEntity).findBy({ brandId: 'northwind' });

  /** What the config sync does on every start and reload. */
  async function startWith(at: Date): Promise<void> {
    const revisions = new ConfigRevisionRepository(dataSource);
    const revision = await revisions.record(loaded.revisionHash, loaded.files, {}, at);
    await revisions.syncBrandsAndChannels(
      revision.id,
      [
        {
          id: 'northwind',
          name: 'Northwind Outdoor',
          timezone: 'Europe/London',
          owner: 'ines',
          channels: NORTHWIND_CHANNELS.map(({ key, connector }) => ({ key, connector })),
        },
      ],
      at,
    );
  }

  beforeAll(async () => {
    await smtp.start();
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    loaded = reportConfig();
    loaded.config.notifiers.mail = {
      plugin: 'email',
      options: {
        host: '127.0.0.1',
        port: smtp.port,
        user: smtp.user,
        password: smtp.password,
        from: 'Metronome <reports@brightline.example>',
      },
    };
    loaded.config.brands.northwind.reports!.delivery = [{ email: { notifier: 'mail', to: ['rosa'] } }];
    harness = reportHarness(dataSource, loaded, {
      reportsDir: mkdtempSync(join(tmpdir(), 'metronome-reports-')),
    });
    const config = new ConfigService(loaded, loaded.baseDir);
    const contexts = new PluginContextFactory(new PluginStateRepository(dataSource));
    delivery = new ReportDeliveryService(
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
    await smtp.stop();
    await db.dispose();
  });

  it('e-mails nothing on the first start, though last month’s report is past its schedule', async () => {
    await startWith(firstStart);
    await scheduler.tick(new Date(firstStart.getTime() + 2_000));
    await scheduler.tick(new Date('2026-11-30T23:59:00Z'));
    expect(smtp.received).toHaveLength(0);
    expect(await reportRows()).toEqual([]);
  });

  it('keeps the first-seen instant across restarts and reloads', async () => {
    await startWith(new Date('2026-11-28T10:00:00Z'));
    expect(await new BrandRepository(dataSource).firstSeenAt('northwind')).toEqual(firstStart);
    expect(ReportScheduler.firstScheduledReport('0 7 2 * *', 'Europe/London', firstStart)).toEqual({
      month: '2026-11',
      dueAt: new Date('2026-12-02T07:00:00Z'),
    });
  });

  it('sends the first month the brand was present for (partly) when the schedule next fires, once', async () => {
    await scheduler.tick(new Date('2026-12-02T06:59:00Z'));
    expect(smtp.received).toHaveLength(0);
    await scheduler.tick(new Date('2026-12-02T07:00:30Z'));
    await scheduler.tick(new Date('2026-12-02T07:01:30Z'));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].attachments.map((a) => a.filename)).toEqual(['northwind-2026-11.pdf']);
    expect((await reportRows()).map((row) => [row.month, row.status])).toEqual([['2026-11', 'delivered']]);
  });

  it('still renders and delivers a month before the brand when asked (metronome report --month --deliver)', async () => {
    const report = await harness.service.render('northwind', '2026-10');
    expect(await delivery.deliver('northwind', '2026-10', report, new Date('2026-12-03T10:00:00Z'))).toEqual([
      { target: 'email:mail', status: 'sent' },
    ]);
    expect(smtp.received.map((mail) => mail.attachments[0].filename)).toEqual([
      'northwind-2026-11.pdf',
      'northwind-2026-10.pdf',
    ]);
  });
});
