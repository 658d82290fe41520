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
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { ReportEntity } from '../../src/reporting/report.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { ReportDeliveryService } from '../../src/reporting/report-delivery.service';
import { ReportScheduler } from '../../src/reporting/report.scheduler';
import { TestSmtpServer } from '../notifications/test-smtp.server';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { NORTHWIND_CHANNELS, reportConfig, seedBrand } from './report-fixtures';
import { reportHarness, type ReportHarness } from './report-harness';

const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);
const refused = { refuse: 550, message: 'mailbox unavailable' } as const;

describe('report delivery retry (real SMTP server that refuses, then accepts; real Chromium)', () => {
  const smtp = new TestSmtpServer();
  const outbox = mkdtempSync(join(tmpdir(), 'metronome-outbox-'));
  let db: TestDatabase;
  let dataSource: DataSource;
  let harness: ReportHarness;
  let delivery: ReportDeliveryService;
  let scheduler: ReportScheduler;
  const row = (id: string) => dataSource.getRepository(ReportEntity).findOneByOrFail({ id });

  beforeAll(async () => {
    await smtp.start();
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    await seedBrand(dataSource, 'northwind', NORTHWIND_CHANNELS);
    const loaded = reportConfig();
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
    loaded.config.brands.northwind.reports!.delivery = [
      { folder: { path: outbox } },
      { email: { notifier: 'mail', to: ['rosa'] } },
    ];
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

  it('retries a refused e-mail after 5 and then 10 minutes, without copying the folder twice', async () => {
    smtp.willAnswerRecipients(refused, refused);
    const t0 = new Date('2026-11-02T07:00:00Z');
    const report = await harness.service.render('northwind', '2026-10');

    const first = await delivery.deliver('northwind', '2026-10', report, t0);
    expect(first).toEqual([
      { target: `folder:${outbox}`, status: 'sent' },
      { target: 'email:mail', status: 'failed', error: expect.stringContaining('550') },
    ]);
    expect(await row(report.reportId)).toMatchObject({
      status: 'rendered',
      deliveryAttempts: 1,
      nextDeliveryAt: minutes(t0, 5),
      error: expect.stringMatching(/^email:mail: .*550/),
    });

    await scheduler.retryDeliveries(minutes(t0, 4));
    expect((await row(report.reportId)).deliveryAttempts).toBe(1);

    await scheduler.retryDeliveries(minutes(t0, 5));
    expect(await row(report.reportId)).toMatchObject({
      status: 'rendered',
      deliveryAttempts: 2,
      nextDeliveryAt: minutes(t0, 15),
    });
    expect(smtp.received).toHaveLength(0);

    await scheduler.retryDeliveries(minutes(t0, 15));
    expect(await row(report.reportId)).toMatchObject({
      status: 'delivered',
      deliveryAttempts: 3,
      nextDeliveryAt: null,
      deliveredAt: minutes(t0, 15),
      error: null,
    });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.attachments.map((a) => a.filename)).toEqual(['northwind-2026-10.pdf']);
    expect(Buffer.compare(mail.attachments[0].content, Buffer.from(report.pdf))).toBe(0);
    expect(readdirSync(outbox)).toEqual(['northwind-2026-10.pdf']);

    // Nothing is due any more.
    expect(await delivery.dueRetries(minutes(t0, 120))).toEqual([]);
  });

  it('gives up after 5 attempts: the report stays failed with the reason and the brand owner gets an incident', async () => {
    smtp.willAnswerRecipients(refused, refused, refused, refused, refused);
    const t0 = new Date('2026-10-02T07:00:00Z');
    const report = await harness.service.render('northwind', '2026-09');
    await delivery.deliver('northwind', '2026-09', report, t0);
    for (const after of [5, 15, 35, 75]) {
      await scheduler.retryDeliveries(minutes(t0, after));
    }
    const failed = await row(report.reportId);
    expect(failed).toMatchObject({ status: 'failed', deliveryAttempts: 5, nextDeliveryAt: null });
    expect(failed.error).toMatch(/^not delivered after 5 attempts: email:mail: .*550/);
    expect(await delivery.dueRetries(minutes(t0, 10_000))).toEqual([]);

    const [incident] = await dataSource
      .getRepository(IncidentEntity)
      .findBy({ rule: 'guard:report-delivery', subjectKey: `report:${report.reportId}` });
    expect(incident).toMatchObject({
      state: 'open',
      brandId: 'northwind',
      title: 'The 2026-09 report of Northwind Outdoor could not be delivered',
      policySnapshot: { levels: [{ targets: ['ines'], afterMs: 0 }] },
    });

    // `metronome report --brand northwind --month 2026-09 --deliver`: render again, deliver again.
    const again = await harness.service.render('northwind', '2026-09');
    expect(await delivery.deliver('northwind', '2026-09', again, minutes(t0, 24 * 60))).toEqual([
      { target: `folder:${outbox}`, status: 'sent' },
      { target: 'email:mail', status: 'sent' },
    ]);
    expect(await row(report.reportId)).toMatchObject({
      status: 'delivered',
      deliveryAttempts: 1,
      error: null,
    });
    expect(await dataSource.getRepository(IncidentEntity).findOneByOrFail({ id: incident.id })).toMatchObject(
      { state: 'resolved' },
    );
  });

  it('on schedule, sends a report that was only previewed before, and sends it once', async () => {
    const preview = await harness.service.render('northwind', '2026-11');
    expect(await row(preview.reportId)).toMatchObject({ status: 'rendered', deliveredAt: null });
    const mails = smtp.received.length;

    const due = new Date('2026-12-02T07:01:00Z'); // default schedule: 07:00 on the 2nd, London time
    await scheduler.tick(due);
    expect(await row(preview.reportId)).toMatchObject({ status: 'delivered', deliveredAt: due });
    expect(smtp.received.length).toBe(mails + 1);

    await scheduler.tick(minutes(due, 1));
    expect(smtp.received.length).toBe(mails + 1);
  });
});
