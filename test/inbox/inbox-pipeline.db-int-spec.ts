import { InboxItemRepository } from '../../src/inbox/inbox-item.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { RuleFiringRepository } from '../../src/rules/rule-firing.repository';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices } from '../content/content-services.fixture';
import { IncidentService } from '../../src/escalations/incident.service';
import { incidentService } from '../escalations/incident-service.fixture';
import { InboxIngestor, type InboxChannel } from '../../src/inbox/inbox-ingestor.service';
import { InboxPoller } from '../../src/inbox/inbox.poller';
import { InboxService } from '../../src/inbox/inbox.service';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { InboxItemEntity } from '../../src/inbox/inbox-item.entity';
import { RuleFiringEntity } from '../../src/rules/rule-firing.entity';
import type { InboxItemInput } from '../../src/plugin-sdk';
import { CompiledRules } from '../../src/rules/compiled-rules';
import { GuardRuleRunner } from '../../src/rules/guard-rule.runner';
import { RuleActions } from '../../src/rules/rule-actions';
import { RuleBatchEvaluator } from '../../src/rules/rule-batch.evaluator';
import { createContentWorkspace, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { RecordingSender, writeRecorderPlugin } from '../rules/rule-test-kit';
import {
  guardRuleRunner,
  ruleActionExecutor,
  ruleActions,
  ruleFactsBuilder,
} from '../rules/rule-services.fixture';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';

/**
 * A connector plugin whose inbox is whatever the test puts in `globalThis.__inboxFeeds[handle]`
 * (or an error to throw), so the poller can be driven item by item.
 */
function writeFeedPlugin(dir: string): void {
  mkdirSync(join(dir, 'feed'));
  writeFileSync(
    join(dir, 'feed', 'index.js'),
    `module.exports = (sdk) => sdk.defineConnector({
      kind: 'connector', name: 'feed', version: '1.0.0', sdk: '^1.0.0',
      options: sdk.z.strictObject({ handle: sdk.z.string() }),
      capabilities: { publish: false, inbox: true },
      create: (context, { handle }) => ({
        fetchInbox: async (since) => {
          const feed = globalThis.__inboxFeeds[handle];
          globalThis.__inboxSince[handle] = since;
          if (feed instanceof Error) throw feed;
          return feed.filter((item) => !since || item.receivedAt > since);
        },
      }),
    });`,
  );
}

const CONFIG = `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
  theo: { name: Theo, email: theo@example.com }
plugins:
  - path: recorder
  - path: feed
notifiers:
  team: { plugin: recorder }
escalations:
  community: { levels: [{ targets: [theo] }] }
guards: { channel-quiet: false, post-without-campaign: false, plan-not-ready: false, approval-overdue: false }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    channels:
      insta: { connector: feed, options: { handle: insta } }
      forum: { connector: feed, options: { handle: forum } }
    inbox: { responseSla: 4h, businessHours: "weekdays 09:00-17:30" }
rules:
  - name: refund-requests
    description: Refund request
    on: inbox.received
    when: inbox.text.lowerAscii().contains("refund")
    then: [{ escalate: community }]
  - name: vip-mentions
    on: inbox.received
    when: inbox.author in ["big.customer"] && channel.id == "insta"
    then: [{ notify: { notifier: team, to: [maya] } }]
`;

declare global {
  var __inboxFeeds: Record<string, InboxItemInput[] | Error>;
  var __inboxSince: Record<string, Date | undefined>;
}

const item = (remoteId: string, author: string, text: string, receivedAt: string): InboxItemInput => ({
  remoteId,
  kind: 'comment',
  author,
  text,
  receivedAt: new Date(receivedAt),
});

describe('inbox pipeline', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let ingestor: InboxIngestor;
  let poller: InboxPoller;
  let guards: GuardRuleRunner;
  let incidents: IncidentService;
  let actions: RuleActions;
  let insta: InboxChannel;
  const sender = new RecordingSender();
  // Friday 9 October 2026, 17:00 in London (BST).
  const friday = new Date('2026-10-09T16:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, CONFIG, (dir) => {
      writeRecorderPlugin(dir);
      writeFeedPlugin(dir);
    });
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const services = await createContentServices(dataSource);
    incidents = incidentService(dataSource);
    actions = ruleActions(
      dataSource,
      config,
      ruleActionExecutor(dataSource, config, incidents, services.states, services.events, sender),
    );
    ingestor = new InboxIngestor(
      new InboxItemRepository(new TransactionContext(dataSource)),
      new TransactionContext(dataSource),
      config,
      ruleFactsBuilder(dataSource),
      new RuleBatchEvaluator(
        new CompiledRules(config),
        actions,
        new RuleFiringRepository(new TransactionContext(dataSource)),
        SYSTEM_CLOCK,
      ),
    );
    const connectors = connectorInstancesOn(dataSource, config, SYSTEM_CLOCK);
    poller = new InboxPoller(
      new InboxItemRepository(new TransactionContext(dataSource)),
      config,
      connectors,
      ingestor,
    );
    guards = guardRuleRunner(dataSource, config, incidents);
    const row = await dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: 'acme', key: 'insta' });
    insta = { id: row.id, brandId: 'acme', key: 'insta', connector: 'feed', status: row.status };
    globalThis.__inboxFeeds = { insta: [], forum: [] };
    globalThis.__inboxSince = {};
  });

  afterAll(async () => {
    await database.dispose();
  });

  const stored = (remoteId: string) =>
    dataSource.getRepository(InboxItemEntity).findOneByOrFail({ channelId: insta.id, remoteId });

  it('stores a batch, runs the inbox rules once over it, and escalates what a rule escalates', async () => {
    const batch = [
      item('c1', 'ana', 'Love the new blend', '2026-10-09T15:10:00Z'),
      item('c2', 'li', 'I want a REFUND for my order', '2026-10-09T15:20:00Z'),
      item('c3', 'big.customer', 'Can we talk wholesale?', '2026-10-09T15:30:00Z'),
    ];
    const result = await ingestor.ingest(insta, batch, friday);
    expect(result).toEqual({ stored: 3, answered: 0, evaluations: 6, fired: 2 });

    expect((await stored('c2')).state).toBe('escalated');
    expect((await stored('c1')).state).toBe('new');
    const firings = await dataSource.getRepository(RuleFiringEntity).find({ order: { rule: 'ASC' } });
    expect(firings.map((f) => [f.rule, f.actedAt !== null])).toEqual([
      ['refund-requests', true],
      ['vip-mentions', true],
    ]);
    const open = await incidents.list({});
    expect(open.map((i) => [i.rule, i.title])).toEqual([
      [
        'rule:refund-requests',
        'Rule "refund-requests": comment from li on insta: "I want a REFUND for my order"',
      ],
    ]);
    // The incident (and so its e-mail) carries what made the rule fire, not the subject's internal key.
    expect(open[0].details).toMatchObject({
      rule: 'refund-requests',
      why: 'Refund request',
      'inbox.text': 'I want a REFUND for my order',
      'inbox.author': 'li',
      'inbox.kind': 'comment',
    });
    expect(open[0].details).not.toHaveProperty('subject');
    expect(sender.sent.map((m) => [m.notifier, m.to, m.subject])).toEqual([
      ['team', ['maya'], 'Rule "vip-mentions": comment from big.customer on insta: "Can we talk wholesale?"'],
    ]);
  });

  it('treats a redelivered batch as nothing new: no second row, no second firing', async () => {
    const again = await ingestor.ingest(
      insta,
      [item('c2', 'li', 'I want a REFUND for my order', '2026-10-09T15:20:00Z')],
      friday,
    );
    expect(again).toEqual({ stored: 0, answered: 0, evaluations: 0, fired: 0 });
    expect(await dataSource.getRepository(RuleFiringEntity).countBy({ rule: 'refund-requests' })).toBe(1);
    expect(sender.sent).toHaveLength(1);
  });

  it("records the team's reply on the platform as the first response", async () => {
    const reply: InboxItemInput = {
      ...item('r1', 'acme', 'Thank you!', '2026-10-09T15:40:00Z'),
      inReplyToRemoteId: 'c1',
      byOwner: true,
    };
    expect(await ingestor.ingest(insta, [reply], friday)).toMatchObject({ stored: 0, answered: 1 });
    expect(await stored('c1')).toMatchObject({
      state: 'answered',
      answeredAt: new Date('2026-10-09T15:40:00Z'),
    });
    expect(await dataSource.getRepository(InboxItemEntity).countBy({ remoteId: 'r1' })).toBe(0);
  });

  it('carries out the actions of a firing whose process died between commit and acting', async () => {
    const items = dataSource.getRepository(InboxItemEntity);
    const orphan = items.create({
      channelId: insta.id,
      remoteId: 'c4',
      kind: 'mention',
      author: 'sam',
      text: 'refund please',
      url: null,
      receivedAt: new Date('2026-10-09T15:50:00Z'),
      answeredAt: null,
      state: 'escalated',
      inReplyToRemoteId: null,
    });
    const firings = dataSource.getRepository(RuleFiringEntity);
    // What a process leaves behind when it is killed right after the ingest transaction committed.
    await dataSource.transaction(async (manager) => {
      await manager.getRepository(InboxItemEntity).insert(orphan);
      await manager.getRepository(RuleFiringEntity).insert(
        firings.create({
          rule: 'refund-requests',
          subjectKey: `inbox:${orphan.id}`,
          brandId: 'acme',
          firedAt: new Date(friday.getTime() - 5 * 60_000),
          clearedAt: null,
          title: 'Refund request: mention from sam on insta: "refund please"',
          actedAt: null,
        }),
      );
    });
    expect(await actions.recover(new Date(friday.getTime() - 4.5 * 60_000))).toBe(0); // not a minute old yet
    expect(await actions.recover(friday)).toBe(1);
    expect((await incidents.list({})).map((i) => i.title)).toContain(
      'Refund request: mention from sam on insta: "refund please"',
    );
    expect(await actions.recover(friday)).toBe(0);
  });

  it('polls each channel from its newest item, and one failing channel does not stop the other', async () => {
    globalThis.__inboxFeeds.forum = new Error('forum API is down');
    globalThis.__inboxFeeds.insta = [
      item('c2', 'li', 'I want a REFUND for my order', '2026-10-09T15:20:00Z'),
      item('c5', 'marta', 'Open on Sunday?', '2026-10-09T15:55:00Z'),
    ];
    const report = await poller.poll(friday);
    expect(report).toMatchObject({
      channels: 2,
      stored: 1,
      failures: [{ channel: 'acme/forum', error: 'forum API is down' }],
    });
    // The newest stored item was received 15:55... before this poll it was c4 at 15:50, asked for with an hour of overlap.
    expect(globalThis.__inboxSince.insta).toEqual(new Date('2026-10-09T14:50:00Z'));
  });

  it('raises the response-SLA guard only once the SLA has run out in business hours, and clears it when answered', async () => {
    // Items from Friday afternoon: 4 h of opening time ends on Monday morning, not Friday night.
    const fridayNight = new Date('2026-10-09T21:00:00Z');
    await guards.run(fridayNight);
    expect((await incidents.list({})).filter((i) => i.rule === 'guard:inbox-unanswered')).toEqual([]);

    const monday = new Date('2026-10-12T12:00:00Z'); // 13:00 BST: c2 (16:20 BST Fri) fell due at 11:50 BST Monday
    await guards.run(monday);
    const [sla] = (await incidents.list({})).filter((i) => i.rule === 'guard:inbox-unanswered');
    expect(sla.title).toBe(
      '4 items unanswered on acme/insta past the 4h response time (oldest: comment from li, 2026-10-09 16:20 BST)',
    );

    const inbox = new InboxService(
      new InboxItemRepository(new TransactionContext(dataSource)),
      new AuditRepository(dataSource),
      new TransactionContext(dataSource),
      SYSTEM_CLOCK,
    );
    const waiting = await inbox.list({ brand: 'acme' });
    expect(waiting.map((w) => w.author).sort()).toEqual(['big.customer', 'li', 'marta', 'sam']);
    for (const entry of waiting) {
      await (entry.author === 'marta'
        ? inbox.ignore(entry.id, 'theo', monday)
        : inbox.answer(entry.id, 'theo', monday));
    }
    await guards.run(new Date(monday.getTime() + 60_000));
    expect((await incidents.list({})).filter((i) => i.rule === 'guard:inbox-unanswered')).toEqual([]);
    await expect(inbox.answer(waiting[0].id, 'theo')).rejects.toThrow(/already/);
  });
});
