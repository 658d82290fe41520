import { rmSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { createChaosDatabase, type ChaosDatabase } from './chaos-database';
import { collectFindings, type ChaosFindings } from './chaos-findings';
import {
  CHAOS_STEP_LIMITS,
  chaosRunLimitMs,
  runChaos,
  seedWithCli,
  type ChaosRunSummary,
} from './chaos-harness';
import { killRunningWorkers } from './chaos-worker.process';
import { dropRedisKeys } from './chaos-redis';
import { sandboxPeer } from './chaos-sandbox.peer';
import { createSandboxChaosWorkspace, SANDBOX_CHANNELS, type ChaosWorkspace } from './chaos-workspace';

/**
 * Zero duplicate and zero lost posts when a worker is killed with SIGKILL at random moments (DESIGN.md §9):
 * 1,000 posts due at once on a sandbox network that ignores idempotency keys (so a second send would show
 * as a second post), a worker process killed at least 20 times mid-burst and restarted, then every variant
 * checked on both sides. Needs `npm run build` (the workers are the built CLI).
 * Replay a failure with CHAOS_SEED=<seed printed in the summary>; CHAOS_KEEP_LOGS=1 keeps a passing run's logs.
 */
const POSTS = Number(process.env.CHAOS_POSTS ?? 1000);
const KILLS = Number(process.env.CHAOS_KILLS ?? 20);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** How long the last worker may take to settle what the kills left (retries wait out their backoff). */
const SETTLE_MS = Number(process.env.CHAOS_SETTLE_MS ?? 420_000);
/**
 * A kill lands within this long of the worker's ready line. On Bull a restarted worker first waits for the
 * `publish-dispatch` lease its killed predecessor held (up to 10 s) and for that worker's jobs to stall, so it
 * lives longer before its kill, or it would never claim anything to be cut off.
 */
const maxKillDelayMs = (driver: 'bull' | undefined) => (driver === 'bull' ? 15_000 : 1500);
/**
 * Above every step limit of the run together, so a step that hangs fails with its own name and log rather
 * than as a bare `beforeAll` timeout.
 */
const setupTimeoutMs = (driver: 'bull' | undefined) =>
  CHAOS_STEP_LIMITS.seedMs +
  chaosRunLimitMs({ kills: KILLS, maxKillDelayMs: maxKillDelayMs(driver), settleTimeoutMs: SETTLE_MS }) +
  60_000;

const REDIS_URL = process.env.METRONOME_TEST_REDIS_URL;

/**
 * SQLite on the inline queue always, Postgres too when the services suite names one. CHAOS_DIALECTS picks
 * from sqlite, postgres, postgres+bull, sqlite+bull (Bull on METRONOME_TEST_REDIS_URL; run by hand, ~6 min).
 */
const runs = (
  process.env.CHAOS_DIALECTS ??
  (process.env.METRONOME_TEST_DATABASE_URL?.startsWith('postgres') ? 'sqlite,postgres' : 'sqlite')
)
  .split(',')
  .map((run) => run.trim());

describe.each(runs)('publishing survives SIGKILLed workers (%s)', (run) => {
  const [dialect, driver] = run.split('+') as ['sqlite' | 'postgres', 'bull' | undefined];
  const redis =
    driver === 'bull'
      ? { url: REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `metronome-chaos-${process.pid}-${Date.now()}` }
      : undefined;
  let workspace: ChaosWorkspace;
  let database: ChaosDatabase;
  let dataSource: DataSource;
  let summary: ChaosRunSummary;
  let findings: ChaosFindings;
  let passed = false;

  beforeAll(async () => {
    workspace = createSandboxChaosWorkspace({ posts: POSTS, latencyMs: 300, dueAt: new Date() });
    database = await createChaosDatabase(dialect, workspace.dir);
    const imported = await seedWithCli(workspace, database.url);
    expect(imported).toBe(`chaos: ${POSTS} new, 0 updated, 0 unchanged, 0 cancelled`);
    dataSource = await database.open();
    process.stdout.write(
      `chaos (${run}): seed ${SEED}, ${POSTS} posts, worker logs and harness.log in ${workspace.dir}\n`,
    );
    summary = await runChaos({
      workspace,
      databaseUrl: database.url,
      dataSource,
      seed: SEED,
      kills: KILLS,
      maxKillDelayMs: maxKillDelayMs(driver),
      settleTimeoutMs: SETTLE_MS,
      redis,
    });
    process.stdout.write(
      `chaos (${run}): ${summary.kills} kills (${summary.killsMidFlight} mid-flight), ${summary.restarts} restarts, ` +
        `${summary.published}/${summary.variants} variants published in ${(summary.durationMs / 1000).toFixed(1)} s ` +
        `(last ${(summary.settleMs / 1000).toFixed(1)} s settling) ` +
        `(${summary.postsPerSecond} posts/s), seed ${summary.seed}\n`,
    );
  }, setupTimeoutMs(driver));

  afterAll(async () => {
    await killRunningWorkers();
    await database?.dispose();
    if (redis) {
      await dropRedisKeys(redis.url, redis.prefix);
    }
    if (passed && !process.env.CHAOS_KEEP_LOGS) {
      rmSync(workspace.dir, { recursive: true, force: true });
    } else if (workspace) {
      process.stdout.write(`chaos (${run}): worker logs kept in ${workspace.dir} (seed ${SEED})\n`);
    }
  });

  it('killed the worker at least 20 times while posts were still on their way', () => {
    expect(summary.kills).toBeGreaterThanOrEqual(KILLS);
    // Kills land at random moments, some while every post waits out a retry backoff and nothing is in
    // flight; those prove little, so a good share must cut publishes off.
    expect(summary.killsMidFlight).toBeGreaterThanOrEqual(Math.ceil(KILLS / 4));
  });

  it('ended every post exactly once published (counted on the network too), or failed/missed with a reason', async () => {
    findings = await collectFindings(
      dataSource,
      workspace,
      await sandboxPeer(dataSource, Object.keys(SANDBOX_CHANNELS)),
    );
    passed = findings.problems.length === 0 && findings.unexpected.length === 0;
    expect(findings.problems).toEqual([]);
  });

  it('ended each post the way its channel behaves: published, or failed on a 422', () => {
    expect(findings.unexpected).toEqual([]);
    const planned = (outcome: string) =>
      [...workspace.expected.values()].filter((post) => post.outcome === outcome).length;
    expect(findings.states.failed).toBe(planned('failed'));
    expect(findings.states.missed ?? 0).toBe(0);
  });
});
