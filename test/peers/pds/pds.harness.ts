import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** A test account on the PDS, with its account password and an app password made for it. */
export interface TestPdsAccount {
  handle: string;
  did: string;
  password: string;
  appPassword: string;
}

export interface TestPds {
  /** The PDS's root address, e.g. http://localhost:41235. */
  url: string;
  /** The in-memory PLC directory the PDS registers its accounts' DIDs with. */
  plcUrl: string;
  accounts: TestPdsAccount[];
  /** Stops the PDS (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface TestPdsOptions {
  /** The PDS's real rate limits (e.g. 30 sign-ins per 5 minutes per account): 429s with RateLimit-* headers. */
  rateLimits?: boolean;
  /**
   * With `rateLimits`: requests carrying this value in `x-ratelimit-bypass` skip every limit (the PDS's own
   * PDS_RATE_LIMIT_BYPASS_KEY), so a test can count what is on the PDS without spending the budget under test.
   */
  rateLimitBypassKey?: string;
  /** Account names; handles become `<name>.test`. Default alice and bob. */
  accounts?: string[];
  /** How long to wait for the PDS to be ready. Default 90 s (a cold start on a busy machine takes ~10 s). */
  readyTimeoutMs?: number;
}

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const LAUNCHER = join(__dirname, 'start-pds.mts');
const INSTALL_HINT =
  'run `bash .ci/install-pds.sh` from the repository root (installs Node 22 and the PDS, ~3 min)';

/** The Node 22 binary the PDS runs on: METRONOME_NODE22, else the one .ci/install-pds.sh installs. */
export function node22Path(): string {
  return process.env.METRONOME_NODE22 ?? join(REPO_ROOT, '.tools/node22/node_modules/node/bin/node');
}

/**
 * Starts a real PDS (@atproto/pds on Node 22, see start-pds.mts) with fresh accounts, for tests on Node 20.
 * Resolves once the PDS has printed its ready line; rejects with a message saying what to install when the
 * tools are missing or the PDS does not come up.
 */
export async function startTestPds(options: TestPdsOptions = {}): Promise<TestPds> {
  const node = node22Path();
  if (!existsSync(node)) {
    throw new Error(`Node 22 for the test PDS is missing at ${node}: ${INSTALL_HINT}`);
  }
  if (!existsSync(join(__dirname, 'node_modules', '@atproto', 'pds'))) {
    throw new Error(`the test PDS is not installed in test/peers/pds/node_modules: ${INSTALL_HINT}`);
  }
  const child = spawn(node, [LAUNCHER], {
    cwd: __dirname,
    // stdin stays open as a lifeline: when this process dies, the PDS sees its end and stops.
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PDS_RATE_LIMITS_ENABLED: options.rateLimits ? 'true' : 'false',
      PDS_RATE_LIMIT_BYPASS_KEY: options.rateLimitBypassKey ?? '',
      PDS_ACCOUNTS: (options.accounts ?? ['alice', 'bob']).join(','),
      LOG_ENABLED: process.env.PDS_LOG_ENABLED ?? 'false',
    },
  });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 200) {
      stderr.shift();
    }
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };
  try {
    const ready = await readyLine(child, options.readyTimeoutMs ?? 90_000, () => stderr.join(''));
    return { ...ready, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function readyLine(
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
): Promise<Omit<TestPds, 'stop'>> {
  return new Promise((resolveReady, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (why: string) => {
      clearTimeout(timer);
      lines.close();
      const tail = log().trim().split('\n').slice(-15).join('\n');
      reject(
        new Error(`the test PDS ${why}. If it is not installed, ${INSTALL_HINT}.${tail ? `\n${tail}` : ''}`),
      );
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const onExit = (code: number | null, signal: string | null) =>
      fail(`exited before it was ready (${signal ?? `code ${code}`})`);
    child.once('exit', onExit);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) {
        return;
      }
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      resolveReady(JSON.parse(line) as Omit<TestPds, 'stop'>);
    });
  });
}
