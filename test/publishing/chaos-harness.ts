import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { toDbInstant } from '../../src/persistence/instant-column.decorator';
import { placeholders } from '../../src/persistence/sql-placeholders';
import { CLI, READY_LINE, within, WorkerProcess } from './chaos-worker.process';
import type { ChaosWorkspace } from './chaos-workspace';

/** mulberry32: a tiny seeded PRNG, so a failing run's kill moments can be replayed with CHAOS_SEED. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * How long each step of a chaos run may take before the run fails naming that step (generous: a worker starts
 * in 1–5 s here, up to ~10 s with both cores busy). The test's own timeout is set above their sum, so it never
 * fires first.
 */
export const CHAOS_STEP_LIMITS = {
  /** `metronome plan sync` of the whole burst. */
  seedMs: 120_000,
  /** From spawning a worker to its ready line. */
  readyMs: 60_000,
  /** From SIGKILL to the exit being reported (immediate in practice). */
  killMs: 15_000,
  /** The last worker's orderly shutdown after SIGTERM. */
  stopMs: 30_000,
} as const;

/** Imports the content folder the way an operator does: `metronome plan sync`. */
export async function seedWithCli(workspace: ChaosWorkspace, databaseUrl: string): Promise<string> {
  const sync = promisify(execFile)(
    process.execPath,
    [CLI, 'plan', 'sync', '--config', workspace.configPath],
    {
      cwd: workspace.dir,
      env: { ...process.env, ...workspace.env, DATABASE_URL: databaseUrl },
      maxBuffer: 16 * 1024 * 1024,
      timeout: CHAOS_STEP_LIMITS.seedMs,
      killSignal: 'SIGKILL',
    },
  );
  try {
    return (await sync).stdout.trim();
  } catch (error) {
    if ((error as { killed?: boolean }).killed) {
      throw new Error(
        `chaos: \`metronome plan sync --config ${workspace.configPath}\` did not finish within ${CHAOS_STEP_LIMITS.seedMs / 1000} s`,
      );
    }
    throw error;
  }
}

export interface ChaosRunOptions {
  workspace: ChaosWorkspace;
  databaseUrl: string;
  /** The test's own connection to the same database, to watch progress. */
  dataSource: DataSource;
  seed: number;
  /** SIGKILLs to deliver while variants are still unsettled. */
  kills: number;
  /** A kill lands a random time in [0, this) after the worker says it is ready. */
  maxKillDelayMs: number;
  /** How long the last, unkilled worker may take to settle everything. */
  settleTimeoutMs: number;
  /** Workers publish through Bull on this Redis (keys under the prefix); absent: the inline queue. */
  redis?: { url: string; prefix: string };
}

export interface ChaosRunSummary {
  seed: number;
  kills: number;
  /** Kills after which the killed worker's own claims were left `publishing` (cut off mid-flight). */
  killsMidFlight: number;
  restarts: number;
  durationMs: number;
  /** Of which: the last worker settling what the kills left (retries wait out their backoff). */
  settleMs: number;
  variants: number;
  published: number;
  postsPerSecond: number;
  logDir: string;
}

/**
 * The longest `runChaos` can run before one of its step limits fails it: every kill round ends in a kill or an
 * error, so there are at most `kills` of them, then the last worker's start, settling and shutdown.
 */
export function chaosRunLimitMs(
  options: Pick<ChaosRunOptions, 'kills' | 'maxKillDelayMs' | 'settleTimeoutMs'>,
): number {
  const limits = CHAOS_STEP_LIMITS;
  const killRound = limits.readyMs + options.maxKillDelayMs + limits.killMs;
  return options.kills * killRound + limits.readyMs + options.settleTimeoutMs + limits.stopMs + limits.killMs;
}

const UNSETTLED = `state IN ('scheduled', 'publishing')`;

async function count(dataSource: DataSource, where: string, parameters: unknown[] = []): Promise<number> {
  const rows = await dataSource.query<Array<{ n: number | string }>>(
    `SELECT COUNT(*) AS n FROM "post_variants" WHERE ${where}`,
    parameters,
  );
  return Number(rows[0].n);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a worker, SIGKILLs it at a random moment, restarts it — `kills` times while work remains —
 * then lets a last worker settle everything. Each run's output goes to `<workspace>/worker-<n>.log`, and
 * every step, with the time it happened, to `<workspace>/harness.log`: a run that fails or hangs shows there
 * which step it reached.
 */
export async function runChaos(options: ChaosRunOptions): Promise<ChaosRunSummary> {
  const { dataSource, workspace } = options;
  const random = seededRandom(options.seed);
  const p = placeholders(dataSource.manager);
  const started = Date.now();
  const journal = join(workspace.dir, 'harness.log');
  const step = (what: string) =>
    appendFileSync(
      journal,
      `${new Date().toISOString()} +${((Date.now() - started) / 1000).toFixed(1)}s ${what}\n`,
    );
  let runs = 0;
  let kills = 0;
  let killsMidFlight = 0;

  const startWorker = async (): Promise<{ worker: WorkerProcess; run: number }> => {
    const run = ++runs;
    const worker = new WorkerProcess({
      configPath: workspace.configPath,
      databaseUrl: options.databaseUrl,
      cwd: workspace.dir,
      env: workspace.env,
      redis: options.redis,
      logPath: join(workspace.dir, `worker-${run}.log`),
    });
    step(`worker ${run}: spawned (pid ${worker.pid}), waiting for "${READY_LINE}"`);
    let ready: boolean;
    try {
      ready = await within(
        worker.ready,
        CHAOS_STEP_LIMITS.readyMs,
        `worker ${run} printing "${READY_LINE}"`,
        `${worker.logPath} and ${journal}`,
      );
    } catch (error) {
      await worker.kill(CHAOS_STEP_LIMITS.killMs);
      throw error;
    }
    if (!ready) {
      const { code, signal } = await worker.exited;
      throw new Error(
        `chaos: worker ${run} exited (code ${code}, signal ${signal}) before printing "${READY_LINE}"; see ${worker.logPath}`,
      );
    }
    step(`worker ${run}: ready`);
    return { worker, run };
  };

  while (kills < options.kills && (await count(dataSource, UNSETTLED)) > 0) {
    const { worker, run } = await startWorker();
    const delayMs = random() * options.maxKillDelayMs;
    await sleep(delayMs);
    if (!(await worker.kill(CHAOS_STEP_LIMITS.killMs))) {
      // Nothing in a chaos run stops a worker but the harness: one that ends by itself crashed.
      const { code, signal } = await worker.exited;
      throw new Error(
        `chaos: worker ${run} exited by itself (code ${code}, signal ${signal}) before its SIGKILL; see ${worker.logPath}`,
      );
    }
    kills++;
    const cutOff = await count(dataSource, `state = 'publishing' AND updated_at >= ${p(1)}`, [
      toDbInstant(worker.startedAt),
    ]);
    killsMidFlight += cutOff > 0 ? 1 : 0;
    step(`worker ${run}: SIGKILLed ${Math.round(delayMs)} ms after ready, ${cutOff} of its claims cut off`);
  }

  const settleStarted = Date.now();
  step(`kill phase over: ${kills} kills, ${killsMidFlight} mid-flight; starting the last worker`);
  const { worker: last, run: lastRun } = await startWorker();
  const deadline = Date.now() + options.settleTimeoutMs;
  let unsettled: number;
  while ((unsettled = await count(dataSource, UNSETTLED)) > 0 && Date.now() < deadline) {
    await sleep(250);
  }
  // Left unsettled past the deadline, variants show up as problems in the findings, with their states.
  step(`worker ${lastRun}: ${unsettled} variants unsettled, stopping it (SIGTERM)`);
  await last.stop(CHAOS_STEP_LIMITS.stopMs);
  step(`worker ${lastRun}: stopped`);
  const durationMs = Date.now() - started;
  const variants = await count(dataSource, '1 = 1');
  const published = await count(dataSource, `state = 'published'`);
  return {
    seed: options.seed,
    kills,
    killsMidFlight,
    restarts: runs - 1,
    durationMs,
    settleMs: Date.now() - settleStarted,
    variants,
    published,
    postsPerSecond: Math.round((published / (durationMs / 1000)) * 10) / 10,
    logDir: workspace.dir,
  };
}
