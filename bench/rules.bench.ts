import { InboxItemRepository } from '../src/inbox/inbox-item.repository';
import { TransactionContext } from '../src/persistence/transaction-context';
import { RuleFiringRepository } from '../src/rules/rule-firing.repository';
import { SYSTEM_CLOCK } from '../src/clock/clock';
/**
 * bench:rules — inbox events per second through the inbox pipeline: batches of comments from four
 * channels stored (new ones only), evaluated against 20 CEL `inbox.received` rules, firings persisted and
 * their actions run (incidents opened, notifications handed to a no-op sender), items marked evaluated.
 * SQLite file (WAL), one process. Also prints the raw CEL evaluations/s of the same rules as the ceiling.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordConfigRevision } from '../src/config/config-sync.service';
import { loadConfiguration } from '../src/config/config.loader';
import { ConfigService } from '../src/config/config.service';
import { createContentServices } from '../test/content/content-services.fixture';
import { IncidentRepository } from '../src/escalations/incident.repository';
import { CycleRepository } from '../src/cycles/cycle.repository';
import { IncidentService } from '../src/escalations/incident.service';
import type { NotificationSender } from '../src/escalations/notification-sender';
import { InboxChannel, InboxIngestor } from '../src/inbox/inbox-ingestor.service';
import { AuditRepository } from '../src/persistence/audit.repository';
import { ConfigRevisionRepository } from '../src/persistence/config-revision.repository';
import { openDataSource, runMigrations } from '../src/persistence/data-source.factory';
import { ChannelEntity } from '../src/channels/channel.entity';
import type { InboxItemInput } from '../src/plugin-sdk';
import { CompiledRules } from '../src/rules/compiled-rules';
import { toFact } from '../src/rules/fact-values';
import { RuleActionExecutor } from '../src/rules/rule-action.executor';
import { RuleActions } from '../src/rules/rule-actions';
import { RuleBatchEvaluator } from '../src/rules/rule-batch.evaluator';
import { compileCondition } from '../src/rules/rule-condition.compiler';
import { RuleFactsBuilder } from '../src/rules/rule-facts.builder';
import { RuleFactsRepository } from '../src/rules/rule-facts.repository';
import { RuleActionPostRepository } from '../src/rules/rule-action-post.repository';
import { NotificationTemplateRenderer } from '../src/notifications/notification-template.renderer';
import { WebhookTargets } from '../src/webhooks/webhook-targets.service';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 40_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const CHANNELS = ['insta', 'tiktok', 'bsky', 'forum'];

/** Twenty rules of the kind a community team writes; about 5% of items match one. */
const RULES: Array<{ when: string; then: string }> = [
  { when: 'inbox.text.lowerAscii().contains("refund")', then: '[{ escalate: community }]' },
  { when: 'inbox.text.lowerAscii().contains("lawyer")', then: '[{ escalate: community }]' },
  { when: 'inbox.text.matches("\\\\b([Ss]cam|[Ff]raud)\\\\b")', then: '[{ escalate: community }]' },
  {
    when: 'inbox.author in ["press.desk", "big.retailer", "mayor.office"]',
    then: '[{ notify: { notifier: team } }]',
  },
  {
    when: 'inbox.kind == "message" && inbox.text.contains("wholesale")',
    then: '[{ notify: { notifier: team } }]',
  },
  {
    when: 'inbox.kind == "mention" && channel.id == "bsky" && inbox.text.contains("@acme")',
    then: '[{ notify: { notifier: team } }]',
  },
  { when: 'size(inbox.text) > 900', then: '[{ notify: { notifier: team } }]' },
  {
    when: 'inbox.text.contains("allergy") || inbox.text.contains("allergic")',
    then: '[{ escalate: community }]',
  },
  {
    when: 'inbox.url.startsWith("https://forum.") && inbox.text.contains("bug")',
    then: '[{ notify: { notifier: team } }]',
  },
  { when: 'inbox.ageMinutes > 1440', then: '[{ notify: { notifier: team } }]' },
  { when: 'cycle.stage == "review" && inbox.kind == "message"', then: '[{ notify: { notifier: team } }]' },
  {
    when: 'brand.timezone == "Asia/Tokyo" && inbox.kind == "comment"',
    then: '[{ notify: { notifier: team } }]',
  },
  {
    when: 'inbox.text.endsWith("?") && inbox.author.startsWith("vip.")',
    then: '[{ notify: { notifier: team } }]',
  },
  { when: 'channel.status != "active"', then: '[{ notify: { notifier: team } }]' },
  { when: 'inbox.text.lowerAscii().contains("cancel my subscription")', then: '[{ escalate: community }]' },
  { when: 'inbox.text.contains("recall")', then: '[{ escalate: community }]' },
  {
    when: 'inbox.kind == "reply" && inbox.text.contains("still waiting")',
    then: '[{ notify: { notifier: team } }]',
  },
  {
    when: 'inbox.author.endsWith(".bot") && size(inbox.text) < 10',
    then: '[{ notify: { notifier: team } }]',
  },
  {
    when: 'channel.connector == "sandbox" && inbox.text.contains("giveaway")',
    then: '[{ notify: { notifier: team } }]',
  },
  {
    when: 'inbox.text.contains("broken") && inbox.text.contains("link")',
    then: '[{ notify: { notifier: team } }]',
  },
];

const TEXTS = [
  'Love this! When is it available in the UK?',
  'Is there a discount for returning customers?',
  'This is exactly what I needed this week.',
  'Can you share the link again? It does not open for me.',
  'Great thread, saving it for later 👏',
  'Who do I contact about a wholesale order?',
  'The beans arrived fresh, thank you!',
  'Do you ship to Canada?',
  'What grind do you recommend for a moka pot?',
  'Best coffee in town, no contest',
  'Can I pick up in store?',
  'This tastes like chocolate and cherries',
  'Is the roastery open on Sundays?',
  'Your new label design is beautiful',
  'How long do the beans stay fresh once opened?',
  'Price went up again?',
  'Tagging my sister, she will love this',
  'Is this decaf available too?',
  'Ordered twice already, never disappointed',
  'Please bring back the winter blend!',
];
const ALERTS = [
  'I would like a refund, the bag was torn',
  'Are these beans safe for someone with a nut allergy?',
  'The link in your bio is broken',
  'Following for the giveaway',
  'Still waiting for my order from last week',
];
const KINDS: InboxItemInput['kind'][] = ['comment', 'comment', 'comment', 'reply', 'mention', 'message'];

const noopSender: NotificationSender = { send: async () => ({ status: 'sent' }) };

function items(channel: string, from: number, count: number, now: number): InboxItemInput[] {
  return Array.from({ length: count }, (_, k) => {
    const n = from + k;
    return {
      remoteId: `${channel}-${n}`,
      kind: KINDS[n % KINDS.length],
      author: n % 997 === 0 ? 'press.desk' : `fan.${n % 5003}`,
      // Most comments are benign; each of the five that rules look for turns up about once in a hundred.
      text: n % 97 < ALERTS.length ? ALERTS[n % 97] : TEXTS[(n * 7) % TEXTS.length],
      url: `https://${channel}.example/p/${Math.floor(n / 20)}#c${n}`,
      receivedAt: new Date(now - (EVENTS - n) * 1000),
    };
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-bench-rules-'));
  const rules = RULES.map(
    ({ when, then }, i) => `  - { name: r${i}, on: inbox.received, when: '${when}', then: ${then} }`,
  ).join('\n');
  const channels = CHANNELS.map(
    (key) => `      ${key}: { connector: sandbox, options: { handle: ${key} } }`,
  ).join('\n');
  writeFileSync(
    join(dir, 'metronome.yaml'),
    `organisation: { name: Bench }\npeople: { ops: { name: Ops } }\nplugins: []\nescalations:\n  community: { levels: [{ targets: [ops] }] }\nnotifiers:\n  team: { plugin: webhook, options: { url: "http://127.0.0.1:9/unused", secret: "whsec_YmVuY2gtb25seS1ub3QtYS1yZWFsLXNlY3JldC0zMmI=" } }\nbrands:\n  bench:\n    name: Bench\n    timezone: UTC\n    owner: ops\n    channels:\n${channels}\nguards: { channel-quiet: false, post-without-campaign: false, plan-not-ready: false, approval-overdue: false, post-failed: false }\nrules:\n${rules}\n`,
  );
  const loaded = await loadConfiguration(join(dir, 'metronome.yaml'), { env: {} });
  if (!loaded.ok) {
    throw new Error(JSON.stringify(loaded.issues, null, 2));
  }
  const dataSource = await openDataSource(`sqlite:${join(dir, 'bench.db')}`);
  await runMigrations(dataSource);
  await recordConfigRevision(new ConfigRevisionRepository(dataSource), loaded.loaded);
  const config = new ConfigService(loaded.loaded, join(dir, 'metronome.yaml'));
  const services = await createContentServices(dataSource);
  const incidents = new IncidentService(
    new IncidentRepository(new TransactionContext(dataSource)),
    new AuditRepository(dataSource),
    new TransactionContext(dataSource),
  );
  const transactions = new TransactionContext(dataSource);
  const actions = new RuleActions(
    new RuleFiringRepository(transactions),
    new RuleFactsRepository(transactions, new CycleRepository(transactions)),
    config,
    new RuleActionExecutor(
      config,
      incidents,
      services.states,
      services.events,
      new RuleActionPostRepository(transactions),
      noopSender,
      new NotificationTemplateRenderer(),
      new WebhookTargets(config),
    ),
  );
  const facts = new RuleFactsBuilder(
    new RuleFactsRepository(transactions, new CycleRepository(transactions)),
  );
  const ingestor = new InboxIngestor(
    new InboxItemRepository(new TransactionContext(dataSource)),
    new TransactionContext(dataSource),
    config,
    facts,
    new RuleBatchEvaluator(
      new CompiledRules(config),
      actions,
      new RuleFiringRepository(new TransactionContext(dataSource)),
      SYSTEM_CLOCK,
    ),
  );
  const targets: InboxChannel[] = [];
  for (const key of CHANNELS) {
    const row = await dataSource.getRepository(ChannelEntity).findOneByOrFail({ brandId: 'bench', key });
    targets.push({ id: row.id, brandId: 'bench', key, connector: 'sandbox', status: row.status });
  }

  const now = new Date();
  const perChannel = EVENTS / CHANNELS.length;
  let stored = 0;
  let fired = 0;
  let evaluations = 0;
  const started = performance.now();
  for (let from = 0; from < perChannel; from += BATCH) {
    for (const channel of targets) {
      const result = await ingestor.ingest(channel, items(channel.key, from, BATCH, now.getTime()), now);
      stored += result.stored;
      fired += result.fired;
      evaluations += result.evaluations;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const eventsPerSecond = Math.round(stored / seconds);

  // The ceiling: the same 20 conditions over the same facts, nothing else.
  const compiled = RULES.map(({ when }) => compileCondition(when, 'inbox.received'));
  const common = await facts.common('bench', loaded.loaded.config.brands.bench, now);
  const channelFact = toFact('Channel', { id: 'insta', connector: 'sandbox', status: 'active' });
  const sample = items('insta', 0, 2000, now.getTime()).map((item) => ({
    ...common,
    channel: channelFact,
    inbox: toFact('InboxItem', { ...item, id: item.remoteId, ageMinutes: 5 }),
  }));
  let celRuns = 0;
  const celStarted = performance.now();
  for (let round = 0; round < 10; round++) {
    for (const subject of sample) {
      for (const condition of compiled) {
        if (condition.ok) {
          condition.evaluate(subject);
          celRuns++;
        }
      }
    }
  }
  const celEvaluationsPerSecond = Math.round(celRuns / ((performance.now() - celStarted) / 1000));
  const [{ count: openIncidents }] = await dataSource.query<Array<{ count: number }>>(
    `SELECT COUNT(*) AS "count" FROM "incidents"`,
  );
  await dataSource.destroy();

  console.log(
    `${stored} inbox items from ${CHANNELS.length} channels in batches of ${BATCH}, ${RULES.length} CEL rules, SQLite file (WAL):`,
  );
  console.log(
    `  ${eventsPerSecond} events/s ingested, evaluated and persisted (goal ≥ 10,000) in ${seconds.toFixed(2)} s`,
  );
  console.log(
    `  ${evaluations} rule evaluations, ${fired} firings (${openIncidents} incidents opened, the rest notifications)`,
  );
  console.log(`  raw CEL evaluations of the same rules: ${celEvaluationsPerSecond}/s`);
  console.log(JSON.stringify({ eventsPerSecond, rules: RULES.length, celEvaluationsPerSecond }));
}

void main();
