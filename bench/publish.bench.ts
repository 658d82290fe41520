/**
 * bench:publish — 10,000 posts due in the same second on the sandbox connector (zero latency), SQLite:
 * the inline driver, then Bull + Redis with 2 workers (two Bull clients, processors and dispatchers in this
 * one process, sharing its SQLite connection: separate processes would contend for the SQLite file's write
 * lock); posts/s (posts ÷ seconds from the due time until the last one was recorded published), p50/p99
 * lateness (published_at − scheduled_at), and as the ceiling the rate of the bare database transitions
 * (claim + publish, no connector). The last line is the JSON of DESIGN §9.
 */
import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { recordConfigRevision } from '../src/config/config-sync.service';
import { loadConfiguration } from '../src/config/config.loader';
import { ConfigService } from '../src/config/config.service';
import { createContentServices } from '../test/content/content-services.fixture';
import { SYSTEM_CLOCK } from '../src/clock/clock';
import { ConfigRevisionRepository } from '../src/persistence/config-revision.repository';
import { openDataSource, runMigrations } from '../src/persistence/data-source.factory';
import { ChannelEntity } from '../src/channels/channel.entity';
import { PostVariantEntity } from '../src/publishing/post-variant.entity';
import { PostEntity } from '../src/content/post.entity';
import { toDbInstant } from '../src/persistence/instant-column.decorator';
import { ClusterLeaseRepository } from '../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../src/cluster/cluster-lease.service';
import { BullPublishDispatch, DEFAULT_BULL_DISPATCH } from '../src/publishing/bull-publish.dispatch';
import { DEFAULT_PUBLISH_LOOP, InlinePublishDispatch } from '../src/publishing/inline-publish.dispatch';
import { RedisChannelSlots } from '../src/publishing/redis-channel-slots';
import { RedisRateBudget } from '../src/publishing/redis-rate-budget';
import { timeOrderedId } from '../src/persistence/time-ordered-id';
import { TransactionContext } from '../src/persistence/transaction-context';
import { buildVariantPublisher, variantStatesOn } from '../test/publishing/variant-publisher.fixture';
import { connectorInstancesOn } from '../test/channels/connector-instances.fixture';

const POSTS = Number(process.env.BENCH_POSTS ?? 10_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Which runs to make (comma-separated); all three by default. */
const RUNS = new Set((process.env.BENCH_RUNS ?? 'inline,bull,ceiling').split(','));
const SKIPPED: RunResult = { postsPerSecond: 0, p50LatenessMs: 0, p99LatenessMs: 0 };

interface RunResult {
  postsPerSecond: number;
  p50LatenessMs: number;
  p99LatenessMs: number;
}

async function seed(dataSource: DataSource, channel: ChannelEntity, dueAt: Date): Promise<void> {
  const now = new Date();
  for (let offset = 0; offset < POSTS; offset += 500) {
    const posts: PostEntity[] = [];
    const variants: PostVariantEntity[] = [];
    for (let i = offset; i < Math.min(POSTS, offset + 500); i++) {
      const id = timeOrderedId();
      posts.push(
        Object.assign(new PostEntity(), {
          id,
          brandId: channel.brandId,
          cycleId: null,
          sourcePath: null,
          sourceHash: null,
          title: `Post ${i}`,
          body: `Bench post ${i}`,
          campaign: 'bench',
          theme: null,
          funnelStage: null,
          publishAt: dueAt,
          state: 'scheduled',
          scheduleMode: 'fixed',
          stateReason: null,
          assignee: null,
          tags: [],
          createdAt: now,
          updatedAt: now,
          version: 1,
        }),
      );
      variants.push(
        Object.assign(new PostVariantEntity(), {
          postId: id,
          channelId: channel.id,
          state: 'scheduled',
          text: `Bench post ${i}`,
          media: [],
          extra: {},
          idempotencyKey: `${id}:${channel.id}`,
          remoteId: null,
          remoteUrl: null,
          attempts: 0,
          lastError: null,
          scheduledAt: dueAt,
          publishedAt: null,
          updatedAt: now,
        }),
      );
    }
    await dataSource.transaction(async (manager) => {
      await manager.getRepository(PostEntity).insert(posts);
      await manager.getRepository(PostVariantEntity).insert(variants);
    });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function setup(label: string) {
  const dir = mkdtempSync(join(tmpdir(), `metronome-bench-${label}-`));
  writeFileSync(
    join(dir, 'metronome.yaml'),
    'organisation: { name: Bench }\npeople: { ops: { name: Ops } }\nbrands:\n  bench:\n    name: Bench\n    timezone: UTC\n    owner: ops\n    channels:\n      main: { connector: sandbox, options: { handle: bench } }\n',
  );
  const loaded = await loadConfiguration(join(dir, 'metronome.yaml'), { env: {} });
  if (!loaded.ok) {
    throw new Error(JSON.stringify(loaded.issues));
  }
  const dataSource = await openDataSource(`sqlite:${join(dir, 'bench.db')}`);
  await runMigrations(dataSource);
  await recordConfigRevision(new ConfigRevisionRepository(dataSource), loaded.loaded);
  const channel = await dataSource.getRepository(ChannelEntity).findOneByOrFail({ key: 'main' });
  return { dir, loaded: loaded.loaded, dataSource, channel };
}

async function publisherFor(
  dir: string,
  loaded: Awaited<ReturnType<typeof setup>>['loaded'],
  dataSource: DataSource,
) {
  const config = new ConfigService(loaded, join(dir, 'metronome.yaml'));
  const services = await createContentServices(dataSource);
  return (budget?: RedisRateBudget, slots?: RedisChannelSlots) =>
    buildVariantPublisher({
      dataSource,
      config,
      connectors: connectorInstancesOn(dataSource, config, SYSTEM_CLOCK),
      content: services,
      budget,
      slots,
    });
}

/** Seeds the burst, runs `work` until every variant is published, then measures from the rows. */
async function burst(
  label: string,
  work: (env: {
    dataSource: DataSource;
    newPublisher: Awaited<ReturnType<typeof publisherFor>>;
    done: () => boolean;
  }) => Promise<void>,
): Promise<RunResult> {
  const { dir, loaded, dataSource, channel } = await setup(label);
  // Seeded for later, then all moved to one second a little ahead, as posts planned long before come due.
  await seed(dataSource, channel, new Date(Date.now() + 86_400_000));
  const dueAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 6000);
  await dataSource.query('UPDATE post_variants SET scheduled_at = ?', [toDbInstant(dueAt)]);
  await dataSource.query('UPDATE posts SET publish_at = ?', [toDbInstant(dueAt)]);
  let remaining = POSTS;
  let lastRecordedAt = 0;
  const poll = setInterval(() => {
    void dataSource
      .query(`SELECT COUNT(*) AS n FROM post_variants WHERE state IN ('scheduled', 'publishing')`)
      .then((rows: Array<{ n: number }>) => {
        remaining = Number(rows[0].n);
        if (remaining === 0 && lastRecordedAt === 0) {
          lastRecordedAt = Date.now();
        }
      });
  }, 100);
  await work({
    dataSource,
    newPublisher: await publisherFor(dir, loaded, dataSource),
    done: () => remaining === 0,
  });
  clearInterval(poll);
  const rows = await dataSource.query<
    Array<{ scheduled_at: string; published_at: string | null; state: string }>
  >('SELECT scheduled_at, published_at, state FROM post_variants');
  const published = rows.filter((r) => r.state === 'published' && r.published_at);
  if (published.length !== POSTS) {
    throw new Error(`${label}: ${POSTS - published.length} posts were not published`);
  }
  const lateness = published
    .map((r) => Date.parse(r.published_at as string) - Date.parse(r.scheduled_at))
    .sort((a, b) => a - b);
  await dataSource.destroy();
  return {
    postsPerSecond: Math.round(
      POSTS / (Math.max(1, (lastRecordedAt || Date.now()) - dueAt.getTime()) / 1000),
    ),
    p50LatenessMs: percentile(lateness, 50),
    p99LatenessMs: percentile(lateness, 99),
  };
}

async function inlineRun(): Promise<RunResult> {
  return burst('inline', async ({ newPublisher, done }) => {
    const dispatch = new InlinePublishDispatch(newPublisher(), SYSTEM_CLOCK);
    await dispatch.run(DEFAULT_PUBLISH_LOOP, SYSTEM_CLOCK, done);
  });
}

/** Two Bull workers (own Redis clients, processors and dispatchers) sharing one database. */
async function bullRun(): Promise<RunResult> {
  return burst('bull', async ({ dataSource, newPublisher, done }) => {
    const prefix = `metronome-bench-${randomUUID().slice(0, 8)}`;
    const workers = [0, 1].map(() => {
      const queue = new Bull('publish', REDIS_URL, { prefix });
      // Each worker keeps its own lease on the channel's concurrency slots in Redis, as separate processes do.
      const slots = new RedisChannelSlots(queue.client, { prefix: `${prefix}:slots` });
      const dispatch = new BullPublishDispatch(
        queue,
        newPublisher(new RedisRateBudget(queue.client), slots),
        new ClusterLease(new ClusterLeaseRepository(dataSource), SYSTEM_CLOCK),
        { ...DEFAULT_BULL_DISPATCH, dispatchEveryMs: 250 },
        SYSTEM_CLOCK,
      );
      return { queue, dispatch, slots };
    });
    for (const worker of workers) {
      worker.dispatch.start();
    }
    while (!done()) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const worker of workers) {
      await worker.dispatch.stop();
      await worker.slots.close();
      await worker.queue.obliterate({ force: true }).catch(() => undefined);
      await worker.queue.close();
    }
  });
}

/** The same two conditional transitions per post with audit rows, and no connector: the database's ceiling. */
async function ceilingRun(): Promise<number> {
  const { dataSource, channel } = await setup('ceiling');
  await seed(dataSource, channel, new Date());
  const states = variantStatesOn(dataSource);
  const tx = new TransactionContext(dataSource);
  const variants = await dataSource.getRepository(PostVariantEntity).find();
  const started = performance.now();
  const at = new Date();
  for (const variant of variants) {
    await tx.run(() => states.move(variant, 'publishing', { attempts: 1 }, { actor: 'bench', at }));
    await tx.run(() =>
      states.move(variant, 'published', { remoteId: 'x', publishedAt: at }, { actor: 'bench', at }),
    );
  }
  const rate = Math.round(variants.length / ((performance.now() - started) / 1000));
  await dataSource.destroy();
  return rate;
}

async function main(): Promise<void> {
  const inline = RUNS.has('inline') ? await inlineRun() : SKIPPED;
  const ceiling = RUNS.has('ceiling') ? await ceilingRun() : 0;
  const bull = RUNS.has('bull') ? await bullRun() : SKIPPED;
  console.log(`${POSTS} posts due in the same second, SQLite, sandbox connector (no latency):`);
  for (const [name, run] of [
    ['inline driver', inline],
    ['bull + Redis, 2 workers (one process)', bull],
  ] as const) {
    console.log(
      `  ${name}: ${run.postsPerSecond} posts/s (goal ≥ 1000), lateness p50 ${run.p50LatenessMs} ms, p99 ${run.p99LatenessMs} ms (goal < 1000 ms)`,
    );
  }
  console.log(`  ceiling: bare database transitions (claim + publish with audit rows) ${ceiling} posts/s`);
  console.log(
    JSON.stringify({
      results: [
        { driver: 'inline', ...inline, ceilingPostsPerSecond: ceiling },
        { driver: 'bull', ...bull, ceilingPostsPerSecond: ceiling },
      ],
    }),
  );
  process.exit(0);
}

void main();
