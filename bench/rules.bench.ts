/**
 * bench:rules — events per second through the rule engine with 20 CEL rules, and the raw CEL evaluations
 * per second of the same rules as the ceiling. The events are `post.submitted` for posts in the database
 * (facts loaded per event, firings persisted): inbox ingestion does not exist yet, so this measures the
 * engine's event path, not the inbox pipeline the goal describes.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordConfigRevision } from '../src/config/config-sync.service';
import { loadConfiguration } from '../src/config/config.loader';
import { ConfigService } from '../src/config/config.service';
import { createContentServices } from '../src/content/content-services';
import { IncidentService } from '../src/escalations/incident.service';
import type { NotificationSender } from '../src/escalations/notification-sender';
import { DomainEventBus } from '../src/events/domain-event.bus';
import { AuditRepository } from '../src/persistence/audit.repository';
import { ConfigRevisionRepository } from '../src/persistence/config-revision.repository';
import { openDataSource, runMigrations } from '../src/persistence/data-source.factory';
import { PostEntity } from '../src/persistence/entities/post.entity';
import { compileCondition } from '../src/rules/rule-condition.compiler';
import { RuleActionExecutor } from '../src/rules/rule-action.executor';
import { RuleEngine } from '../src/rules/rule.engine';
import { RuleFactsBuilder } from '../src/rules/rule-facts.builder';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const CONDITIONS = [
  '!post.hasCampaign',
  'post.graphemes > 280',
  '"urgent" in post.tags',
  'post.title.contains("sale")',
  'post.state == "in_review" && cycle.stage == "publish"',
  'size(post.channels) > 2',
  'post.funnelStage == "conversion" && !post.hasCampaign',
  'post.publishAt < now',
  'cycle.postsPlanned < cycle.cadenceTarget',
  'brand.timezone.startsWith("America/")',
  'post.theme == ""',
  'post.graphemes < 20',
  'post.tags.exists(t, t.startsWith("legal"))',
  'post.title.matches("^[A-Z]")',
  'post.graphemes > 1000',
  'post.campaign == "blackfriday"',
  'post.error != ""',
  'cycle.stage == "review"',
  '"launch" in post.tags && post.graphemes > 100',
  'post.channels.all(c, c != "legacy")',
];

const noopSender: NotificationSender = { send: async () => ({ status: 'sent' }) };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-bench-rules-'));
  const rules = CONDITIONS.map(
    (when, i) => `  - { name: r${i}, on: post.submitted, when: '${when}', then: [{ tag: r${i} }] }`,
  ).join('\n');
  writeFileSync(
    join(dir, 'metronome.yaml'),
    `organisation: { name: Bench }\npeople: { ops: { name: Ops } }\nbrands:\n  bench:\n    name: Bench\n    timezone: UTC\n    owner: ops\n    channels:\n      main: { connector: sandbox, options: { handle: bench } }\nguards: { channel-quiet: false, post-without-campaign: false, plan-not-ready: false, approval-overdue: false, post-failed: false }\nrules:\n${rules}\n`,
  );
  const loaded = await loadConfiguration(join(dir, 'metronome.yaml'), { env: {} });
  if (!loaded.ok) {
    throw new Error(JSON.stringify(loaded.issues));
  }
  const dataSource = await openDataSource(`sqlite:${join(dir, 'bench.db')}`);
  await runMigrations(dataSource);
  await recordConfigRevision(new ConfigRevisionRepository(dataSource), loaded.loaded);
  const now = new Date();
  const ids: string[] = [];
  const posts = Array.from({ length: EVENTS }, (_, i) => {
    const id = randomUUID();
    ids.push(id);
    return Object.assign(new PostEntity(), {
      id,
      brandId: 'bench',
      cycleId: null,
      sourcePath: null,
      sourceHash: null,
      title: i % 3 ? `Sale ${i}` : `news ${i}`,
      body: 'x'.repeat(i % 400),
      campaign: i % 2 ? null : 'spring',
      theme: null,
      funnelStage: 'conversion',
      publishAt: now,
      state: 'in_review',
      scheduleMode: 'fixed',
      stateReason: null,
      assignee: null,
      tags: i % 5 ? ['launch'] : ['urgent'],
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
  });
  for (let i = 0; i < posts.length; i += 500) {
    await dataSource.getRepository(PostEntity).insert(posts.slice(i, i + 500));
  }
  const config = new ConfigService(loaded.loaded, join(dir, 'metronome.yaml'));
  const bus = new DomainEventBus();
  const services = createContentServices(dataSource, bus);
  const incidents = new IncidentService(dataSource, new AuditRepository(dataSource));
  const engine = new RuleEngine(
    dataSource,
    config,
    bus,
    new RuleFactsBuilder(dataSource),
    new RuleActionExecutor(config, incidents, services.states, services.events, noopSender),
    incidents,
  );

  const started = performance.now();
  for (const id of ids) {
    await engine.onEvent({
      type: 'post.submitted',
      brandId: 'bench',
      subject: { type: 'post', id },
      at: now,
    });
  }
  const eventsPerSecond = Math.round(EVENTS / ((performance.now() - started) / 1000));

  const compiled = CONDITIONS.map((when) => compileCondition(when, 'post.submitted'));
  const facts = await new RuleFactsBuilder(dataSource).forEvent(
    { type: 'post.submitted', brandId: 'bench', subject: { type: 'post', id: ids[1] }, at: now },
    loaded.loaded.config.brands.bench,
  );
  const common = await new RuleFactsBuilder(dataSource).common(
    'bench',
    loaded.loaded.config.brands.bench,
    now,
  );
  const all = { ...common, ...facts };
  const rounds = 10_000;
  const celStarted = performance.now();
  for (let i = 0; i < rounds; i++) {
    for (const condition of compiled) {
      if (condition.ok) {
        condition.evaluate(all);
      }
    }
  }
  const celEvaluationsPerSecond = Math.round(
    (rounds * compiled.length) / ((performance.now() - celStarted) / 1000),
  );
  await dataSource.destroy();
  console.log(
    `${EVENTS} post.submitted events through the rule engine, 20 CEL rules, SQLite (facts loaded and firings persisted per event):`,
  );
  console.log(
    `  ${eventsPerSecond} events/s (goal ≥ 10,000 inbox events/s — not met; inbox ingestion is not built)`,
  );
  console.log(`  raw CEL evaluations of the same rules: ${celEvaluationsPerSecond}/s`);
  console.log(JSON.stringify({ eventsPerSecond, rules: CONDITIONS.length, celEvaluationsPerSecond }));
}

void main();
