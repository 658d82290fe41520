import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { EscalationSweeper } from '../../src/escalations/escalation.sweeper';
import { IncidentLinkSigner } from '../../src/escalations/incident-link.signer';
import { IncidentService } from '../../src/escalations/incident.service';
import { incidentRepository, incidentService } from '../escalations/incident-service.fixture';
import { NotificationTemplateRenderer } from '../../src/notifications/notification-template.renderer';
import { IncidentNotificationEntity } from '../../src/escalations/incident-notification.entity';
import { PostEntity } from '../../src/content/post.entity';
import { GuardRuleRunner } from '../../src/rules/guard-rule.runner';
import {
  BRAND_YAML,
  createContentWorkspace,
  post,
  type ContentWorkspace,
} from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { RecordingSender, writeRecorderPlugin } from './rule-test-kit';
import { guardRuleRunner } from './rule-services.fixture';

const CONFIG = `${BRAND_YAML}
plugins:
  - path: recorder
notifiers:
  team-mail: { plugin: recorder }
escalations:
  approvals:
    levels:
      - { targets: [theo], after: 0m }
      - { targets: [maya, team-mail], after: 1h }
guards:
  approval-overdue: { escalate: approvals }
  channel-quiet: false
  post-without-campaign: false
  plan-not-ready: false
`;

describe('guard rules and escalations over a simulated month', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let guards: GuardRuleRunner;
  let sweeper: EscalationSweeper;
  let incidents: IncidentService;
  const sender = new RecordingSender();
  const at = (iso: string) => new Date(iso);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, CONFIG, writeRecorderPlugin);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    incidents = incidentService(dataSource);
    guards = guardRuleRunner(dataSource, config, incidents);
    sweeper = new EscalationSweeper(
      incidentRepository(dataSource),
      config,
      sender,
      new IncidentLinkSigner('test-secret', 'https://metronome.example'),
      new NotificationTemplateRenderer(),
    );
    ws.write('late.md', post('title: Late one\ncampaign: winter\npublish: 2026-12-04 09:15'));
    ws.write('on-time.md', post('title: On time\ncampaign: winter\npublish: 2026-12-11 09:15'));
    await ws.sync.syncBrand(ws.loaded, 'acme', at('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('opens one incident when an approval is overdue, escalates through two levels, and stops on acknowledge', async () => {
    const late = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'late.md' });
    // Copy review of "Late one" was due 2026-12-02 09:15; nothing is overdue the day before.
    expect(await guards.run(at('2026-12-01T09:00:00Z'))).toEqual({ opened: 0, resolved: 0 });

    expect(await guards.run(at('2026-12-02T10:00:00Z'))).toEqual({ opened: 1, resolved: 0 });
    expect(await guards.run(at('2026-12-02T10:05:00Z'))).toEqual({ opened: 0, resolved: 0 }); // once per subject
    expect(await sweeper.sweep(at('2026-12-02T10:05:00Z'))).toBe(1);
    expect(sender.sent.map((m) => [m.notifier, m.to, m.subject])).toEqual([
      ['team-mail', ['theo'], '[WARNING] Approval overdue: "Late one" waits on theo at "copy review"'],
    ]);
    expect(sender.sent[0].links.map((l) => l.label)).toEqual(['Acknowledge', 'Resolve']);
    expect(sender.sent[0].text).toContain(`postId: ${late.id}`);

    expect(await sweeper.sweep(at('2026-12-02T10:30:00Z'))).toBe(0); // level 2 waits an hour
    expect(await sweeper.sweep(at('2026-12-02T11:06:00Z'))).toBe(2); // maya by e-mail, and the team notifier
    expect(sender.sent.slice(1).map((m) => [m.notifier, m.to])).toEqual([
      ['team-mail', ['maya']],
      ['team-mail', []],
    ]);
    expect(sender.sent[1].subject).toBe(
      '[ESCALATED L2] Approval overdue: "Late one" waits on theo at "copy review"',
    );
    expect(sender.sent[1].text).toContain('Escalated to level 2 of 2');

    const [incident] = await incidents.list({});
    await incidents.acknowledge(incident.id, 'maya', at('2026-12-02T11:10:00Z'));
    expect(await sweeper.sweep(at('2026-12-05T00:00:00Z'))).toBe(0);
    const records = await dataSource
      .getRepository(IncidentNotificationEntity)
      .findBy({ incidentId: incident.id });
    expect(records.map((r) => [r.level, r.target, r.status]).sort()).toEqual([
      [0, 'theo', 'sent'],
      [1, 'maya', 'sent'],
      [1, 'team-mail', 'sent'],
    ]);
  });

  it('resolves the incident by itself once the approval is decided', async () => {
    const late = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'late.md' });
    await ws.approvals.decide({
      postId: late.id,
      person: 'theo',
      decision: 'approve',
      at: at('2026-12-02T12:00:00Z'),
    });
    // The second step (sign-off, due 2026-12-03 09:15) is not overdue yet: the copy-review incident clears.
    expect(await guards.run(at('2026-12-02T12:01:00Z'))).toEqual({ opened: 0, resolved: 1 });
    expect(await incidents.list({})).toEqual([]);
    const [resolved] = await incidents.list({ state: 'resolved' });
    expect(resolved.resolvedBy).toBe('rule:guard:approval-overdue (condition cleared)');
  });

  it('signed links verify only for their incident, action and lifetime', () => {
    const signer = new IncidentLinkSigner('test-secret', 'https://metronome.example/');
    const link = new URL(signer.link('inc-1', 'ack', at('2026-12-01T00:00:00Z')));
    expect(link.pathname).toBe('/api/v1/incidents/inc-1/ack');
    const token = link.searchParams.get('token') as string;
    expect(signer.verify('inc-1', 'ack', token, at('2026-12-02T00:00:00Z'))).toBe('ok');
    expect(signer.verify('inc-1', 'resolve', token, at('2026-12-02T00:00:00Z'))).toBe('invalid');
    expect(signer.verify('inc-2', 'ack', token, at('2026-12-02T00:00:00Z'))).toBe('invalid');
    expect(signer.verify('inc-1', 'ack', token, at('2026-12-30T00:00:00Z'))).toBe('expired');
    expect(
      new IncidentLinkSigner('other', 'x').verify('inc-1', 'ack', token, at('2026-12-02T00:00:00Z')),
    ).toBe('invalid');
  });
});
