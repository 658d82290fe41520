import { InboxItemRepository } from '../../src/inbox/inbox-item.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { RuleFiringRepository } from '../../src/rules/rule-firing.repository';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { formatConfigIssue } from '../../src/config/config-issue';
import { loadConfiguration } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices } from '../content/content-services.fixture';
import { incidentService } from '../escalations/incident-service.fixture';
import { InboxIngestor, type InboxChannel } from '../../src/inbox/inbox-ingestor.service';
import { NotificationDispatcherService } from '../../src/notifications/notification-dispatcher.service';
import { NotifierHealthService } from '../../src/notifications/notifier-health.service';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { CompiledRules } from '../../src/rules/compiled-rules';
import { RuleBatchEvaluator } from '../../src/rules/rule-batch.evaluator';
import { createContentWorkspace } from '../content/content-workspace';
import { TestSmtpServer } from '../notifications/test-smtp.server';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { ruleActionExecutor, ruleActions, ruleFactsBuilder } from './rule-services.fixture';

const config = (smtpPort: number, message: string) => `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
notifiers:
  email:
    plugin: email
    options: { host: 127.0.0.1, port: "${smtpPort}", user: metronome, password: smtp-password-123, from: Metronome <metronome@example.com> }
guards: { channel-quiet: false, post-without-campaign: false, plan-not-ready: false, approval-overdue: false }
brands:
  acme:
    name: Acme Coffee
    timezone: America/New_York
    owner: maya
    channels:
      social: { connector: sandbox, options: { handle: acme } }
rules:
  - name: refund-requests
    description: Refund requests go to the owner the same day.
    on: inbox.received
    when: inbox.text.lowerAscii().contains("refund")
    then:
      - notify:
          notifier: email
          message: ${JSON.stringify(message)}
`;

describe('notify: a message over the rule’s facts, and the facts that made it fire (real SMTP)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    smtp = await new TestSmtpServer().start();
  });

  afterAll(async () => {
    await smtp.stop();
    await database.dispose();
  });

  it('sends the message with the facts in the brand’s zone, escaped in HTML', async () => {
    const ws = await createContentWorkspace(
      dataSource,
      config(smtp.port, '{{inbox.author}} asks for a refund on {{channel.id}}: {{inbox.text}}'),
    );
    const configService = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const dispatcher = new NotificationDispatcherService(
      configService,
      new PluginContextFactory(new PluginStateRepository(dataSource)),
      new NotifierHealthService(configService),
      SYSTEM_CLOCK,
    );
    const services = await createContentServices(dataSource);
    const actions = ruleActions(
      dataSource,
      configService,
      ruleActionExecutor(
        dataSource,
        configService,
        incidentService(dataSource),
        services.states,
        services.events,
        dispatcher,
      ),
    );
    const ingestor = new InboxIngestor(
      new InboxItemRepository(new TransactionContext(dataSource)),
      new TransactionContext(dataSource),
      configService,
      ruleFactsBuilder(dataSource),
      new RuleBatchEvaluator(
        new CompiledRules(configService),
        actions,
        new RuleFiringRepository(new TransactionContext(dataSource)),
        SYSTEM_CLOCK,
      ),
    );
    const row = await dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: 'acme', key: 'social' });
    const channel: InboxChannel = {
      id: row.id,
      brandId: 'acme',
      key: 'social',
      connector: 'sandbox',
      status: 'active',
    };

    await ingestor.ingest(
      channel,
      [
        {
          remoteId: 'c1',
          kind: 'comment',
          author: 'li.wei',
          text: 'Refund please <script>alert(1)</script> & thanks',
          receivedAt: new Date('2026-12-04T14:30:00Z'),
        },
      ],
      new Date('2026-12-04T14:31:00Z'),
    );
    await dispatcher.onModuleDestroy();

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.to).toMatchObject({ text: '"Maya" <maya@example.com>' });
    expect(mail.subject).toBe(
      'Rule "refund-requests": comment from li.wei on social: "Refund please <script>alert(1)</script> & thanks"',
    );
    expect(mail.text).toContain(
      'li.wei asks for a refund on social: Refund please <script>alert(1)</script> & thanks',
    );
    expect(mail.text).toContain('Refund requests go to the owner the same day.');
    expect(mail.text).toContain('What made it fire:');
    expect(mail.text).toContain('inbox.text: Refund please <script>alert(1)</script> & thanks');
    expect(mail.text).toContain('inbox.author: li.wei');
    // 14:30 UTC is 09:30 in New York; no raw UTC instant reaches people.
    expect(mail.text).toContain('Fri 4 Dec 2026, 09:31 EST');
    expect(mail.text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(mail.html).toContain(
      'li.wei asks for a refund on social: Refund please &lt;script&gt;alert(1)&lt;/script&gt; &amp; thanks',
    );
    expect(mail.html).not.toContain('<script>');
  });

  it('a message naming a fact the trigger does not have fails validation at its place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-notify-message-'));
    mkdirSync(join(dir, 'content'));
    const file = join(dir, 'metronome.yaml');
    writeFileSync(file, config(smtp.port, 'Refund asked by {{inbox.athor}}'));
    const result = await loadConfiguration(file, { env: {} });
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.issues.map(formatConfigIssue);
    expect(lines).toEqual([
      expect.stringMatching(
        /metronome\.yaml:25:39 {2}rules\[0\]\.then\[0\]\.notify\.message {2}"inbox" has no fact "athor" \(it has: id, kind, author, text, url, receivedAt, ageMinutes\)$/,
      ),
    ]);

    writeFileSync(file, config(smtp.port, 'Refund asked by {{inbox.author'));
    const broken = await loadConfiguration(file, { env: {} });
    expect(broken.ok ? [] : broken.issues.map(formatConfigIssue)).toEqual([
      expect.stringMatching(
        /rules\[0\]\.then\[0\]\.notify\.message {2}message is not a valid template: Parse error/,
      ),
    ]);
  });
});
