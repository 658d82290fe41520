import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { toDbInstant } from '../../src/persistence/instant-column.decorator';
import { placeholders } from '../../src/persistence/sql-placeholders';
import { CLI, WorkerProcess } from './chaos-worker.process';
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

/** Imports the content folder the way an operator does: `metronome plan sync`. */
export async function seedWithCli(workspace: ChaosWorkspace, databaseUrl: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CLI, 'plan', 'sync', '--config', workspace.configPath],
    {
      cwd: workspace.dir,
      env: { ...process.env, ...workspace.env, DATABASE_URL: databaseUrl },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return stdout.trim();
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
 * then lets a last worker settle everything. Each run's output goes to `<workspace>/worker-<n>.log`.
 */
export async function runChaos(options: ChaosRunOptions): Promise<ChaosRunSummary> {
  const { dataSource, workspace } = options;
  const random = seededRandom(options.seed);
  const p = placeholders(dataSource.manager);
  const started = Date.now();
  let runs = 0;
  let kills = 0;
  let killsMidFlight = 0;
  const startWorker = async (): Promise<WorkerProcess> => {
    const worker = new WorkerProcess({
      configPath: workspace.configPath,
      databaseUrl: options.databaseUrl,
      cwd: workspace.dir,
      env: workspace.env,
      logPath: join(workspace.dir, `worker-${++runs}.log`),
    });
    if (!(await worker.ready)) {
      throw new Error(
        `worker run ${runs} exited before it was ready: see ${workspace.dir}/worker-${runs}.log`,
      );
    }
    return worker;
  };

  while (kills < options.kills && (await count(dataSource, UNSETTLED)) > 0) {
    const worker = await startWorker();
    await sleep(random() * options.maxKillDelayMs);
    if (await worker.kill()) {
      kills++;
      const cutOff = await count(dataSource, `state = 'publishing' AND updated_at >= ${p(1)}`, [
        toDbInstant(worker.startedAt),
      ]);
      killsMidFlight += cutOff > 0 ? 1 : 0;
    }
  }

  const settleStarted = Date.now();
  const last = await startWorker();
  const deadline = Date.now() + options.settleTimeoutMs;
  while ((await count(dataSource, UNSETTLED)) > 0 && Date.now() < deadline) {
    await sleep(250);
  }
  await last.stop();
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
