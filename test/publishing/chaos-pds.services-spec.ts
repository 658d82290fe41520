import { rmSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { startTestPds, type TestPds } from '../peers/pds/pds.harness';
import { createChaosDatabase, type ChaosDatabase } from './chaos-database';
import { collectFindings, type ChaosFindings } from './chaos-findings';
import {
  CHAOS_STEP_LIMITS,
  chaosRunLimitMs,
  runChaos,
  seedWithCli,
  type ChaosRunSummary,
} from './chaos-harness';
import { pdsPeer } from './chaos-pds.peer';
import { killRunningWorkers } from './chaos-worker.process';
import { writeChaosWorkspace, type ChaosWorkspace } from './chaos-workspace';

/**
 * The SIGKILL crash test against a real PDS (@atproto/pds on Node 22, see test/peers/pds): a smaller burst on
 * the bluesky connector, one post at a time so kills land mid-burst, then the account's repository is read
 * back and every post counted there. Needs `npm run build` and `bash .ci/install-pds.sh`.
 * Replay a failure with CHAOS_SEED=<seed printed in the summary>.
 */
const POSTS = Number(process.env.CHAOS_PDS_POSTS ?? 40);
const KILLS = Number(process.env.CHAOS_PDS_KILLS ?? 5);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SETTLE_MS = Number(process.env.CHAOS_SETTLE_MS ?? 300_000);
const MAX_KILL_DELAY_MS = 600;
/** Above the PDS start and every step limit of the run, so a step that hangs fails with its own name. */
const SETUP_TIMEOUT_MS =
  120_000 +
  CHAOS_STEP_LIMITS.seedMs +
  chaosRunLimitMs({ kills: KILLS, maxKillDelayMs: MAX_KILL_DELAY_MS, settleTimeoutMs: SETTLE_MS });

describe('publishing to a real PDS survives SIGKILLed workers', () => {
  let pds: TestPds;
  let workspace: ChaosWorkspace;
  let database: ChaosDatabase;
  let dataSource: DataSource;
  let summary: ChaosRunSummary;
  let findings: ChaosFindings;
  let passed = false;

  beforeAll(async () => {
    pds = await startTestPds({ accounts: ['alice'] });
    const [alice] = pds.accounts;
    const dueAt = new Date();
    workspace = writeChaosWorkspace(
      [
        `bsky: { connector: bluesky, options: { service: "${pds.url}", identifier: ${alice.handle}, appPassword: "\${env:CHAOS_BSKY_APP_PASSWORD}" }, publishing: { concurrency: 1 } }`,
      ],
      Array.from({ length: POSTS }, () => ({ channels: ['bsky'], dueAt, outcome: 'published' as const })),
      { CHAOS_BSKY_APP_PASSWORD: alice.appPassword },
    );
    database = await createChaosDatabase('sqlite', workspace.dir);
    expect(await seedWithCli(workspace, database.url)).toBe(
      `chaos: ${POSTS} new, 0 updated, 0 unchanged, 0 cancelled`,
    );
    dataSource = await database.open();
    process.stdout.write(`chaos (PDS): seed ${SEED}, ${POSTS} posts, logs in ${workspace.dir}\n`);
    summary = await runChaos({
      workspace,
      databaseUrl: database.url,
      dataSource,
      seed: SEED,
      kills: KILLS,
      maxKillDelayMs: MAX_KILL_DELAY_MS,
      settleTimeoutMs: SETTLE_MS,
    });
    process.stdout.write(
      `chaos (PDS): ${summary.kills} kills (${summary.killsMidFlight} mid-flight), ${summary.restarts} restarts, ` +
        `${summary.published}/${summary.variants} published in ${(summary.durationMs / 1000).toFixed(1)} s ` +
        `(last ${(summary.settleMs / 1000).toFixed(1)} s settling), seed ${summary.seed}\n`,
    );
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await killRunningWorkers();
    await database?.dispose();
    await pds?.stop();
    if (passed) {
      rmSync(workspace.dir, { recursive: true, force: true });
    } else if (workspace) {
      process.stdout.write(`chaos (PDS): worker logs kept in ${workspace.dir} (seed ${SEED})\n`);
    }
  });

  it('killed the worker while posts were still on their way', () => {
    expect(summary.kills).toBeGreaterThanOrEqual(KILLS);
    expect(summary.killsMidFlight).toBeGreaterThanOrEqual(1);
  });

  it('published every post exactly once, counted in the account’s repository on the PDS', async () => {
    findings = await collectFindings(dataSource, workspace, await pdsPeer(pds.url, pds.accounts[0].did));
    passed = findings.problems.length === 0 && findings.unexpected.length === 0;
    expect(findings.problems).toEqual([]);
    expect(findings.unexpected).toEqual([]);
    expect(findings.states).toEqual({ published: POSTS });
  });
});
