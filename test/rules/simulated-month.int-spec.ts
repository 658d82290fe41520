import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices, type ContentServices } from '../content/content-services.fixture';
import { EscalationSweeper } from '../../src/escalations/escalation.sweeper';
import { IncidentLinkSigner } from '../../src/escalations/incident-link.signer';
import { IncidentService } from '../../src/escalations/incident.service';
import { incidentRepository, incidentService } from '../escalations/incident-service.fixture';
import { NotificationTemplateRenderer } from '../../src/notifications/notification-template.renderer';
import { DomainEventBus } from '../../src/events/domain-event.bus';
import { NotificationDispatcherService } from '../../src/notifications/notification-dispatcher.service';
import { NotifierHealthService } from '../../src/notifications/notifier-health.service';
import { PostEntity } from '../../src/content/post.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { GuardRuleRunner } from '../../src/rules/guard-rule.runner';
import {
  BRAND_YAML,
  createContentWorkspace,
  post,
  type ContentWorkspace,
} from '../content/content-workspace';
import { TestSmtpServer } from '../notifications/test-smtp.server';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { guardRuleRunner } from './rule-services.fixture';

/**
 * A month with a controllable clock, a real database and a real SMTP server: content files become posts,
 * one approval is late and one rejected, the rest are scheduled; the late approval escalates by e-mail
 * through two levels and stops when acknowledged.
 */
describe('a simulated month', () => {
  const smtp = new TestSmtpServer();
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let services: ContentServices;
  let guards: GuardRuleRunner;
  let sweeper: EscalationSweeper;
  let incidents: IncidentService;
  const at = (iso: string) => new Date(iso);
  const byFile = (file: string) => dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: file });

  beforeAll(async () => {
    await smtp.start();
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    const yaml = `${BRAND_YAML}
notifiers:
  mail:
    plugin: email
    options: { host: 127.0.0.1, port: ${smtp.port}, user: ${smtp.user}, password: ${smtp.password}, from: Metronome <metronome@example.com> }
escalations:
  approvals:
    levels:
      - { targets: [theo], after: 0m }
      - { targets: [maya], after: 2h }
guards:
  approval-overdue: { escalate: approvals }
  channel-quiet: false
  plan-not-ready: false
  post-without-campaign: false
`;
    ws = await createContentWorkspace(dataSource, yaml);
    services = await createContentServices(dataSource, new DomainEventBus());
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const dispatcher = new NotificationDispatcherService(
      config,
      new PluginContextFactory(new PluginStateRepository(dataSource)),
      new NotifierHealthService(config),
      SYSTEM_CLOCK,
      { sleep: async () => undefined },
    );
    incidents = incidentService(dataSource);
    guards = guardRuleRunner(dataSource, config, incidents);
    sweeper = new EscalationSweeper(
      incidentRepository(dataSource),
      config,
      dispatcher,
      new IncidentLinkSigner('secret', 'https://metronome.example'),
      new NotificationTemplateRenderer(),
    );
  });

  afterAll(async () => {
    await smtp.stop();
    await database.dispose();
  });

  it('runs plan → prepare → schedule with one late and one rejected approval, escalating by e-mail until acknowledged', async () => {
    ws.write('2026-12/launch.md', post('title: Winter launch\ncampaign: winter\npublish: 2026-12-04 09:15'));
    ws.write('2026-12/guide.md', post('title: Brew guide\ncampaign: winter\npublish: 2026-12-07 09:15'));
    ws.write('2026-12/promo.md', post('title: Flash promo\ncampaign: winter\npublish: 2026-12-09 09:15'));
    const report = await services.planSync.syncBrand(ws.loaded, 'acme', at('2026-11-30T09:00:00Z'));
    expect(report.created).toHaveLength(3);

    // On time: guide is approved by every step and scheduled.
    const guide = await byFile('2026-12/guide.md');
    await services.approvals.decide({
      postId: guide.id,
      person: 'theo',
      decision: 'approve',
      at: at('2026-12-01T10:00:00Z'),
    });
    await services.approvals.decide({
      postId: guide.id,
      person: 'maya',
      decision: 'approve',
      at: at('2026-12-01T11:00:00Z'),
    });
    await services.approvals.decide({
      postId: guide.id,
      person: 'ivy',
      decision: 'approve',
      at: at('2026-12-01T12:00:00Z'),
    });
    expect((await byFile('2026-12/guide.md')).state).toBe('scheduled');

    // Rejected: back to draft with the reason.
    const promo = await byFile('2026-12/promo.md');
    await services.approvals.decide({
      postId: promo.id,
      person: 'theo',
      decision: 'reject',
      comment: 'price is wrong',
      at: at('2026-12-01T13:00:00Z'),
    });
    expect(await byFile('2026-12/promo.md')).toMatchObject({
      state: 'draft',
      stateReason: 'rejected by theo at "copy review": price is wrong',
    });

    // Late: launch's copy review was due 2026-12-02 09:15. Level 1 mails theo at once.
    await guards.run(at('2026-12-02T09:20:00Z'));
    await sweeper.sweep(at('2026-12-02T09:20:00Z'));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].to).toMatchObject({ text: '"Theo" <theo@example.com>' });
    expect(smtp.received[0].subject).toBe(
      '[WARNING] Approval overdue: "Winter launch" waits on theo at "copy review"',
    );
    expect(smtp.received[0].text).toContain('/api/v1/incidents/');

    // Nobody acts: two hours later level 2 mails maya.
    await guards.run(at('2026-12-02T11:21:00Z'));
    await sweeper.sweep(at('2026-12-02T11:21:00Z'));
    expect(smtp.received.map((mail) => mail.subject)).toEqual([
      '[WARNING] Approval overdue: "Winter launch" waits on theo at "copy review"',
      '[ESCALATED L2] Approval overdue: "Winter launch" waits on theo at "copy review"',
    ]);
    expect(smtp.received[1].to).toMatchObject({ text: '"Maya" <maya@example.com>' });

    // Maya acknowledges: no more mail, however long the approval stays late.
    const [incident] = await incidents.list({});
    await incidents.acknowledge(incident.id, 'maya', at('2026-12-02T11:30:00Z'));
    await guards.run(at('2026-12-03T09:00:00Z'));
    await sweeper.sweep(at('2026-12-03T09:00:00Z'));
    expect(smtp.received).toHaveLength(2);

    // Theo finally approves, maya and ivy sign off: the launch is scheduled, the incident resolves itself.
    const launch = await byFile('2026-12/launch.md');
    for (const person of ['theo', 'maya', 'ivy']) {
      await services.approvals.decide({
        postId: launch.id,
        person,
        decision: 'approve',
        at: at('2026-12-03T09:05:00Z'),
      });
    }
    expect((await byFile('2026-12/launch.md')).state).toBe('scheduled');
    expect(await guards.run(at('2026-12-03T09:10:00Z'))).toEqual({ opened: 0, resolved: 1 });
  });
});
