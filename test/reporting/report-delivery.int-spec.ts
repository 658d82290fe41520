import { WebhookTargets } from '../../src/webhooks/webhook-targets.service';
import { ReportRepository } from '../../src/reporting/report.repository';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { incidentService } from '../escalations/incident-service.fixture';
import { NotificationDispatcherService } from '../../src/notifications/notification-dispatcher.service';
import { NotifierHealthService } from '../../src/notifications/notifier-health.service';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { ReportEntity } from '../../src/reporting/report.entity';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { ReportDeliveryService } from '../../src/reporting/report-delivery.service';
import { ReportScheduler } from '../../src/reporting/report.scheduler';
import { TestSmtpServer } from '../notifications/test-smtp.server';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { reportConfig } from './report-fixtures';
import { seedRealisticMonth } from './realistic-month';
import { reportHarness, type ReportHarness } from './report-harness';

describe('report delivery (real Chromium, real SMTP, a local webhook receiver, a folder)', () => {
  const smtp = new TestSmtpServer();
  let db: TestDatabase;
  let dataSource: DataSource;
  let harness: ReportHarness;
  let delivery: ReportDeliveryService;
  let receiver: Server;
  const posted: Array<{ body: string; headers: Record<string, string> }> = [];
  const SECRET = `whsec_${Buffer.from('report-webhook-test-secret-32byt').toString('base64')}`;
  const outbox = mkdtempSync(join(tmpdir(), 'metronome-outbox-'));

  beforeAll(async () => {
    await smtp.start();
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        posted.push({
          body: Buffer.concat(chunks).toString('utf8'),
          headers: Object.fromEntries(
            ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type'].map((name) => [
              name,
              String(request.headers[name]),
            ]),
          ),
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    await seedRealisticMonth(dataSource, { brandId: 'northwind', month: '2026-10' });
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
    const port = (receiver.address() as AddressInfo).port;
    loaded.config.brands.northwind.reports!.delivery = [
      { email: { notifier: 'mail', to: ['rosa', 'ops@northwind.example'] } },
      { webhook: { url: `http://127.0.0.1:${port}/reports`, secret: SECRET } },
      { folder: { path: outbox } },
    ];
    // The receiver listens on this machine: an address Metronome refuses unless allowed.
    loaded.config.network = { allowInternalTargets: ['127.0.0.1'] };
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
  });

  afterAll(async () => {
    await harness.pool.close();
    await smtp.stop();
    await new Promise((resolve) => receiver.close(resolve));
    await db.dispose();
  });

  it('mails the PDF as an attachment, posts it signed (Standard Webhooks), copies it to the folder — once', async () => {
    const report = await harness.service.render('northwind', '2026-10');
    const outcome = await delivery.deliver('northwind', '2026-10', report, new Date('2026-11-02T07:00:00Z'));
    expect(outcome).toEqual([
      { target: 'email:mail', status: 'sent', error: undefined },
      {
        target: `webhook:${new URL(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}`).host}`,
        status: 'sent',
      },
      { target: `folder:${outbox}`, status: 'sent' },
    ]);
    const [mail] = smtp.received;
    expect(mail.subject).toBe('Northwind Outdoor: social media report for 2026-10');
    expect(mail.to).toMatchObject({ text: expect.stringContaining('rosa@northwind.example') });
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['northwind-2026-10.pdf', 'application/pdf'],
    ]);
    expect(Buffer.compare(mail.attachments[0].content, Buffer.from(report.pdf))).toBe(0);

    const [webhook] = posted;
    expect(webhook.headers['content-type']).toBe('application/json');
    const envelope = new Webhook(SECRET).verify(webhook.body, webhook.headers) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      id: webhook.headers['webhook-id'],
      type: 'report.delivered',
      brand: { id: 'northwind', name: 'Northwind Outdoor' },
      month: '2026-10',
      filename: 'northwind-2026-10.pdf',
      content_type: 'application/pdf',
      size: report.pdf.byteLength,
    });
    expect(
      Buffer.compare(Buffer.from(envelope.content_base64 as string, 'base64'), Buffer.from(report.pdf)),
    ).toBe(0);

    expect(Buffer.compare(readFileSync(join(outbox, 'northwind-2026-10.pdf')), Buffer.from(report.pdf))).toBe(
      0,
    );
    expect(
      await dataSource.getRepository(ReportEntity).findOneByOrFail({ id: report.reportId }),
    ).toMatchObject({ status: 'delivered' });

    // A second worker (or a re-run) finds it delivered and sends nothing.
    expect(await delivery.deliver('northwind', '2026-10', report)).toBe('already-delivered');
    expect(smtp.received).toHaveLength(1);
    expect(posted).toHaveLength(1);
  });

  it('knows which month is due: the month before the schedule’s latest occurrence, in the brand’s zone', () => {
    expect(ReportScheduler.dueMonth('0 7 2 * *', 'Europe/London', new Date('2026-11-02T06:59:00Z'))).toBe(
      '2026-09',
    );
    expect(ReportScheduler.dueMonth('0 7 2 * *', 'Europe/London', new Date('2026-11-02T07:00:30Z'))).toBe(
      '2026-10',
    );
    expect(ReportScheduler.dueMonth('0 7 2 * *', 'Asia/Tokyo', new Date('2026-11-01T22:30:00Z'))).toBe(
      '2026-10',
    );
  });
});
