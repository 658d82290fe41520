/**
 * bench:publish — 10,000 posts due in the same second on the sandbox connector (zero latency), SQLite,
 * inline driver: posts/s, p50/p99 lateness (published_at − scheduled_at), and as the ceiling the rate of
 * the bare database transitions (claim + publish, no connector).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { recordConfigRevision } from '../src/config/config-sync.service';
import { loadConfiguration } from '../src/config/config.loader';
import { ConfigService } from '../src/config/config.service';
import { createContentServices } from '../src/content/content-services';
import { AuditRepository } from '../src/persistence/audit.repository';
import { ConfigRevisionRepository } from '../src/persistence/config-revision.repository';
import { openDataSource, runMigrations } from '../src/persistence/data-source.factory';
import { ChannelEntity } from '../src/persistence/entities/channel.entity';
import { PostVariantEntity } from '../src/persistence/entities/post-variant.entity';
import { PostEntity } from '../src/persistence/entities/post.entity';
import { toDbInstant } from '../src/persistence/instant-column.decorator';
import { PluginStateRepository } from '../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../src/plugin-host/plugin-context.factory';
import { ConnectorInstances } from '../src/publishing/connector-instances';
import { PublishWorker } from '../src/publishing/publish.worker';
import { VariantPublisher } from '../src/publishing/variant-publisher.service';
import { VariantStateService } from '../src/publishing/variant-state.service';

const POSTS = Number(process.env.BENCH_POSTS ?? 10_000);

async function seed(dataSource: DataSource, channel: ChannelEntity, dueAt: Date): Promise<void> {
  const now = new Date();
  for (let offset = 0; offset < POSTS; offset += 500) {
    const posts: PostEntity[] = [];
    const variants: PostVariantEntity[] = [];
    for (let i = offset; i < Math.min(POSTS, offset + 500); i++) {
      const id = randomUUID();
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

async function publishRun(): Promise<{
  postsPerSecond: number;
  p50LatenessMs: number;
  p99LatenessMs: number;
}> {
  const { dir, loaded, dataSource, channel } = await setup('publish');
  const dueAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000);
  await seed(dataSource, channel, dueAt);
  const config = new ConfigService(loaded, join(dir, 'metronome.yaml'));
  const services = createContentServices(dataSource);
  const publisher = new VariantPublisher(
    dataSource,
    config,
    new ConnectorInstances(config, new PluginContextFactory(new PluginStateRepository(dataSource))),
    new VariantStateService(new AuditRepository(dataSource)),
    services.states,
    services.events,
  );
  const worker = new PublishWorker(publisher);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt.getTime() - Date.now())));
  let remaining = POSTS;
  const poll = setInterval(() => {
    void dataSource
      .query(`SELECT COUNT(*) AS n FROM post_variants WHERE state IN ('scheduled', 'publishing')`)
      .then((rows: Array<{ n: number }>) => {
        remaining = Number(rows[0].n);
      });
  }, 100);
  await worker.run(
    { batch: 500, concurrency: 16, idleMs: 20 },
    () => new Date(),
    () => remaining === 0,
  );
  clearInterval(poll);
  const rows = await dataSource.query<
    Array<{ scheduled_at: string; published_at: string | null; state: string }>
  >('SELECT scheduled_at, published_at, state FROM post_variants');
  const published = rows.filter((r) => r.state === 'published' && r.published_at);
  if (published.length !== POSTS) {
    throw new Error(`${POSTS - published.length} posts were not published`);
  }
  const lateness = published
    .map((r) => Date.parse(r.published_at as string) - Date.parse(r.scheduled_at))
    .sort((a, b) => a - b);
  const span = (lateness[lateness.length - 1] || 1) / 1000;
  await dataSource.destroy();
  return {
    postsPerSecond: Math.round(POSTS / span),
    p50LatenessMs: percentile(lateness, 50),
    p99LatenessMs: percentile(lateness, 99),
  };
}

/** The same two conditional transitions per post with audit rows, and no connector: the database's ceiling. */
async function ceilingRun(): Promise<number> {
  const { dataSource, channel } = await setup('ceiling');
  await seed(dataSource, channel, new Date());
  const states = new VariantStateService(new AuditRepository(dataSource));
  const variants = await dataSource.getRepository(PostVariantEntity).find();
  const started = performance.now();
  const at = new Date();
  for (const variant of variants) {
    await dataSource.transaction((manager) =>
      states.move(manager, variant, 'publishing', { attempts: 1 }, { actor: 'bench', at }),
    );
    await dataSource.transaction((manager) =>
      states.move(manager, variant, 'published', { remoteId: 'x', publishedAt: at }, { actor: 'bench', at }),
    );
  }
  const rate = Math.round(variants.length / ((performance.now() - started) / 1000));
  void toDbInstant;
  await dataSource.destroy();
  return rate;
}

async function main(): Promise<void> {
  const inline = await publishRun();
  const ceiling = await ceilingRun();
  console.log(
    `inline driver, SQLite, ${POSTS} posts due in the same second, sandbox connector (no latency):`,
  );
  console.log(
    `  ${inline.postsPerSecond} posts/s (goal ≥ 1000), lateness p50 ${inline.p50LatenessMs} ms, p99 ${inline.p99LatenessMs} ms (goal < 1000 ms)`,
  );
  console.log(`  ceiling: bare database transitions (claim + publish with audit rows) ${ceiling} posts/s`);
  console.log(
    '  bull + Redis: not measured — publishing claims due rows from the database in every worker; Bull-driven dispatch is not built yet',
  );
  console.log(JSON.stringify({ driver: 'inline', ...inline, ceilingPostsPerSecond: ceiling }));
}

void main();
