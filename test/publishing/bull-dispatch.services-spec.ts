import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices } from '../content/content-services.fixture';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import {
  batchJobId,
  BullPublishDispatch,
  DEFAULT_BULL_DISPATCH,
  jobIdOf,
} from '../../src/publishing/bull-publish.dispatch';
import { createContentWorkspace, post } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { buildVariantPublisher } from './variant-publisher.fixture';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';

const REDIS_URL = process.env.METRONOME_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Jobs arrive half a second ahead of their first variant. */
const OPTIONS = { ...DEFAULT_BULL_DISPATCH, leadMs: 500 };

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: UTC
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      one: { connector: sandbox, options: { handle: one } }
      two: { connector: sandbox, options: { handle: two } }
`;

/** The Bull dispatcher on the real Redis: what it enqueues, that adding again is a no-op, and its sweep. */
describe('Bull publish dispatch', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let queue: Bull.Queue;
  let replicas: BullPublishDispatch[];
  const now = new Date('2026-12-01T08:59:58Z');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    const ws = await createContentWorkspace(dataSource, CONFIG);
    const services = await createContentServices(dataSource);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const publisher = buildVariantPublisher({
      dataSource,
      config,
      connectors: connectorInstancesOn(dataSource, config, SYSTEM_CLOCK),
      content: services,
    });
    queue = new Bull('publish', REDIS_URL, { prefix: `metronome-test-${randomUUID().slice(0, 8)}` });
    // Two replicas with their own lease holders; neither runs processors, so the jobs stay visible.
    replicas = [0, 1].map(
      () =>
        new BullPublishDispatch(
          queue,
          publisher,
          new ClusterLease(new ClusterLeaseRepository(dataSource), SYSTEM_CLOCK),
          OPTIONS,
          { now: () => now },
        ),
    );
    ws.write('launch.md', post('title: Launch\ncampaign: launch\npublish: 2026-12-01 09:00'));
    ws.write('later.md', post('title: Later\ncampaign: launch\npublish: 2026-12-01 12:00'));
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await database.dispose();
  });

  const comingDue = async () =>
    (await dataSource.getRepository(PostVariantEntity).find({ where: { state: 'scheduled' } })).filter(
      (v) => v.scheduledAt!.getTime() <= now.getTime() + OPTIONS.horizonMs,
    );

  it('adds one delayed job for variants due together, keyed by their ids, times and attempts, ahead of time', async () => {
    expect(await replicas[0].dispatchRound(now)).toBe(2);
    const variants = (await comingDue()).sort((a, b) => a.id.localeCompare(b.id));
    expect(variants).toHaveLength(2); // the two channels of the 09:00 post; the 12:00 one is beyond the horizon
    const delayed = await queue.getDelayed();
    expect(delayed.map((job) => job.id)).toEqual([
      batchJobId(variants.map((v) => jobIdOf(v.id, v.scheduledAt!.toISOString(), v.attempts))),
    ]);
    // Due in 2 s, arriving 0.5 s before: claimed ahead, sent on time.
    expect(delayed.map((job): unknown[] => [job.data, job.opts.delay, job.opts.attempts])).toEqual([
      [{ variantIds: variants.map((v) => v.id) }, 1500, 1],
    ]);
  });

  it('adds nothing on the next round, nor when another replica races it for the same variants', async () => {
    expect(await replicas[0].dispatchRound(now)).toBe(0);
    // The other replica has not seen them: it adds them again, and Redis keeps one job per id.
    await replicas[1].dispatchRound(now);
    expect(await queue.getDelayed()).toHaveLength(1);
  });

  it('re-adds what is due after Redis lost its jobs, on its next safety sweep', async () => {
    await queue.clean(0, 'delayed');
    expect(await queue.getDelayed()).toHaveLength(0);
    // Until the sweep the replica trusts what it enqueued…
    expect(await replicas[0].dispatchRound(new Date(now.getTime() + 1000))).toBe(0);
    // …then forgets it, and Redis gets the jobs back (due now: no delay left).
    const sweep = new Date(now.getTime() + OPTIONS.sweepEveryMs);
    expect(await replicas[0].dispatchRound(sweep)).toBe(2);
    const jobs = await queue.getJobs(['waiting', 'delayed']);
    expect(jobs.map((job) => job.opts.delay)).toEqual([0]);
  });
});
