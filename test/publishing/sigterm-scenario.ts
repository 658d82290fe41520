import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createChaosDatabase, type ChaosDatabase } from './chaos-database';
import type { VariantOutcome } from './chaos-findings';
import { CHAOS_STEP_LIMITS, seedWithCli } from './chaos-harness';
import { dropRedisKeys } from './chaos-redis';
import { sandboxPeer } from './chaos-sandbox.peer';
import { killRunningWorkers, within, WorkerProcess } from './chaos-worker.process';
import { writeChaosWorkspace, type ChaosWorkspace } from './chaos-workspace';

const POSTS = 60;
/** Each send takes this long on the sandbox: a SIGTERM lands with sends in flight and claims held. */
const LATENCY_MS = 2500;
/** METRONOME_SHUTDOWN_TIMEOUT given to the worker; the harness allows a little more before calling it hung. */
const SHUTDOWN_TIMEOUT_S = 10;

/** What the chaos peer view reads (channel, key), plus the attempts this test checks. */
type VariantRow = VariantOutcome & { attempts: number };

/**
 * Issue 11 (shutdown): a real worker process with sends in flight on a slow sandbox channel gets SIGTERM. It
 * must exit 0 within its bound, log one "shutting down" line, and leave every claimed variant published (once)
 * or scheduled again with its attempts unchanged; a second worker then publishes the rest exactly once.
 */
export function sigtermScenario(dialect: 'sqlite' | 'postgres', redisUrl?: string): void {
  const redis = redisUrl
    ? { url: redisUrl, prefix: `metronome-sigterm-${process.pid}-${Date.now()}` }
    : undefined;
  describe(`SIGTERM with sends in flight (${dialect}, ${redis ? 'bull' : 'inline'})`, () => {
    let workspace: ChaosWorkspace;
    let database: ChaosDatabase;
    let dataSource: DataSource;
    let passed = false;

    const variants = () =>
      dataSource.query<VariantRow[]>(
        `SELECT v."id", v."state", v."attempts", v."idempotency_key", v."last_error", v."remote_id", v."text", c."key" AS "channel", p."source_path", p."state" AS "post_state" FROM "post_variants" v JOIN "channels" c ON c."id" = v."channel_id" JOIN "posts" p ON p."id" = v."post_id"`,
      );
    const startWorker = (n: number) =>
      new WorkerProcess({
        configPath: workspace.configPath,
        databaseUrl: database.url,
        cwd: workspace.dir,
        env: { ...workspace.env, METRONOME_SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_S) },
        logPath: join(workspace.dir, `worker-${n}.log`),
        redis,
      });
    const poll = async (what: string, done: () => Promise<boolean>, ms: number) =>
      within(
        (async () => {
          while (!(await done())) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })(),
        ms,
        what,
        workspace.dir,
      );
    /** The log once the process's output is closed (the harness appends its exit line then). */
    const logOf = async (worker: WorkerProcess) => {
      await poll(
        'the log closing',
        async () => readFileSync(worker.logPath, 'utf8').includes('[chaos] exited'),
        10_000,
      );
      return readFileSync(worker.logPath, 'utf8');
    };

    beforeAll(async () => {
      const dueAt = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      workspace = writeChaosWorkspace(
        [
          `slow: { connector: sandbox, options: { handle: slow, idempotency: ignore, faults: { latencyMs: ${LATENCY_MS} } } }`,
        ],
        Array.from({ length: POSTS }, () => ({ channels: ['slow'], dueAt, outcome: 'published' as const })),
      );
      database = await createChaosDatabase(dialect, workspace.dir);
      await seedWithCli(workspace, database.url);
      dataSource = await database.open();
    }, CHAOS_STEP_LIMITS.seedMs);

    afterAll(async () => {
      await killRunningWorkers();
      await database?.dispose();
      if (redis) {
        await dropRedisKeys(redis.url, redis.prefix);
      }
      if (passed) {
        rmSync(workspace.dir, { recursive: true, force: true });
      } else if (workspace) {
        process.stdout.write(`SIGTERM test: worker logs kept in ${workspace.dir}\n`);
      }
    });

    it('exits 0 within its bound, logs one line, leaves each variant published once or due again', async () => {
      const first = startWorker(1);
      expect(
        await within(first.ready, CHAOS_STEP_LIMITS.readyMs, 'the first worker starting', first.logPath),
      ).toBe(true);
      // Sends in flight: the sandbox has created some posts (half the latency in) and others are claimed.
      await poll(
        'sends in flight',
        async () => (await variants()).filter((v) => v.state === 'publishing').length >= 2,
        60_000,
      );

      await first.stop((SHUTDOWN_TIMEOUT_S + 5) * 1000);
      expect(await first.exited).toEqual({ code: 0, signal: null });
      const lines = (await logOf(first)).split('\n').filter((line) => line.includes('shutting down'));
      expect(lines).toHaveLength(1);
      process.stdout.write(`SIGTERM test: ${lines[0]}\n`);
      const [, finished, released] =
        /stopped claiming; (\d+) sends finished, (\d+) claims released in \d+\.\d s/.exec(lines[0]) ?? [];
      expect(finished).toBeDefined();

      const peer = await sandboxPeer(dataSource, ['slow']);
      const afterFirst = await variants();
      const published = afterFirst.filter((v) => v.state === 'published');
      const waiting = afterFirst.filter((v) => v.state === 'scheduled');
      expect(published.length + waiting.length).toBe(POSTS); // nothing left `publishing`
      expect(published.length).toBeGreaterThan(0);
      expect(waiting.length).toBeGreaterThan(0);
      for (const variant of published) {
        expect({ id: variant.id, posts: await peer.postsFor(variant) }).toEqual({ id: variant.id, posts: 1 });
      }
      for (const variant of waiting) {
        expect({ id: variant.id, attempts: variant.attempts, posts: await peer.postsFor(variant) }).toEqual({
          id: variant.id,
          attempts: 0,
          posts: 0,
        });
      }
      expect(Number(finished)).toBeGreaterThan(0);
      expect(Number(released)).toBeGreaterThan(0);

      const second = startWorker(2);
      expect(
        await within(second.ready, CHAOS_STEP_LIMITS.readyMs, 'the second worker starting', second.logPath),
      ).toBe(true);
      await poll(
        'the second worker publishing the rest',
        async () => (await variants()).every((v) => v.state === 'published'),
        120_000,
      );
      await second.stop((SHUTDOWN_TIMEOUT_S + 5) * 1000);
      expect(await second.exited).toEqual({ code: 0, signal: null });
      const final = await sandboxPeer(dataSource, ['slow']);
      for (const variant of await variants()) {
        expect({ id: variant.id, attempts: variant.attempts, posts: await final.postsFor(variant) }).toEqual({
          id: variant.id,
          attempts: 1,
          posts: 1,
        });
      }
      expect(await final.strays(await variants())).toEqual([]);
      passed = true;
    }, 300_000);
  });
}
