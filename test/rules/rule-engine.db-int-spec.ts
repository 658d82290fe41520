import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices, type ContentServices } from '../content/content-services.fixture';
import { incidentService } from '../escalations/incident-service.fixture';
import { DomainEventBus } from '../../src/events/domain-event.bus';
import { PostEntity } from '../../src/content/post.entity';
import { RuleFiringEntity } from '../../src/rules/rule-firing.entity';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { RuleFiringRepository } from '../../src/rules/rule-firing.repository';
import { RuleEngine } from '../../src/rules/rule.engine';
import {
  BRAND_YAML,
  createContentWorkspace,
  post,
  type ContentWorkspace,
} from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { RecordingSender, writeRecorderPlugin } from './rule-test-kit';
import { CompiledRules } from '../../src/rules/compiled-rules';
import { ruleActionExecutor, ruleActions, ruleFactsBuilder } from './rule-services.fixture';

const CONFIG = `${BRAND_YAML}
plugins:
  - path: recorder
notifiers:
  team: { plugin: recorder }
escalations:
  owner: { levels: [{ targets: [maya] }] }
guards: { channel-quiet: false, post-without-campaign: false, plan-not-ready: false, approval-overdue: false }
rules:
  - name: ad-hoc-hold
    description: Posts without a campaign wait for the owner
    on: post.submitted
    when: "!post.hasCampaign"
    then: [{ hold: { reason: no campaign } }, { tag: ad-hoc }]
  - name: rejections
    on: approval.decided
    when: approval.decision == "reject"
    then: [{ escalate: owner }, { notify: { notifier: team, to: [maya] } }]
  - name: under-cadence
    every: 1h
    when: cycle.postsPlanned < cycle.cadenceTarget
    then: [{ notify: { notifier: team } }]
`;

describe('rule engine', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let services: ContentServices;
  let engine: RuleEngine;
  const sender = new RecordingSender();
  const now = new Date('2026-11-30T08:00:00Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, CONFIG, writeRecorderPlugin);
    const bus = new DomainEventBus();
    services = await createContentServices(dataSource, bus);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const incidents = incidentService(dataSource);
    engine = new RuleEngine(
      new RuleFiringRepository(new TransactionContext(dataSource)),
      config,
      bus,
      ruleFactsBuilder(dataSource),
      ruleActions(
        dataSource,
        config,
        ruleActionExecutor(dataSource, config, incidents, services.states, services.events, sender),
      ),
      incidents,
      new CompiledRules(config),
      SYSTEM_CLOCK,
    );
    engine.onModuleInit();
  });

  afterAll(async () => {
    await database.dispose();
  });

  it('runs event rules on the facts of the event: an ad hoc post is held and tagged, a planned one is not', async () => {
    ws.write('ad-hoc.md', post('title: Spontaneous\npublish: 2026-12-04 09:15'));
    ws.write('planned.md', post('title: Planned\ncampaign: winter\npublish: 2026-12-07 09:15'));
    await services.planSync.syncBrand(ws.loaded, 'acme', now);
    const adHoc = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'ad-hoc.md' });
    expect(adHoc).toMatchObject({ state: 'held', stateReason: 'no campaign', tags: ['ad-hoc'] });
    expect(
      await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'planned.md' }),
    ).toMatchObject({ state: 'in_review', tags: [] });
  });

  it('releases a held post to the state it was held from, and the hold rule does not fire again', async () => {
    const adHoc = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'ad-hoc.md' });
    const { to } = await services.release.release(adHoc.id, 'maya', now);
    expect(to).toBe('in_review');
    expect(await dataSource.getRepository(PostEntity).findOneByOrFail({ id: adHoc.id })).toMatchObject({
      state: 'in_review',
      stateReason: 'released by maya',
    });
    await expect(services.release.release(adHoc.id, 'maya', now)).rejects.toThrow(/is in_review, not held/);
  });

  it('fires once per subject: a rejection opens an incident and notifies, a second rejection does not fire again', async () => {
    const planned = await dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'planned.md' });
    await services.approvals.decide({
      postId: planned.id,
      person: 'theo',
      decision: 'reject',
      comment: 'off-brand',
      at: now,
    });
    expect(sender.sent.map((m) => [m.notifier, m.to])).toEqual([['team', ['maya']]]);
    const incidents = incidentService(dataSource);
    expect((await incidents.list({})).map((i) => i.rule)).toEqual(['rule:rejections']);
    // Back in review and rejected again: same subject? No — a new approval step is a new subject, so it fires.
    // The same step cannot be decided twice, so "once per subject" is checked on the firing row itself.
    const firings = await dataSource.getRepository(RuleFiringEntity).findBy({ rule: 'rejections' });
    expect(firings.map((f) => f.clearedAt)).toEqual([null]);
  });

  it('evaluates `every` rules per brand on the scheduler tick, and not again before the interval', async () => {
    await engine.runScheduled(now);
    expect(sender.sent.at(-1)).toMatchObject({
      notifier: 'team',
      to: ['maya'],
      subject: 'Rule "under-cadence": Acme Coffee',
    });
    const firing = await dataSource
      .getRepository(RuleFiringEntity)
      .findOneByOrFail({ rule: 'under-cadence' });
    expect(firing.subjectKey).toBe('brand:acme');
    await engine.runScheduled(new Date(now.getTime() + 10 * 60_000));
    expect(await dataSource.getRepository(RuleFiringEntity).countBy({ rule: 'under-cadence' })).toBe(1);
  });
});
