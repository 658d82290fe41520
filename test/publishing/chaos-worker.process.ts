import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/** The built CLI (`npm run build`); CHAOS_CLI points at another build, e.g. one a concurrent rebuild cannot touch. */
export const CLI = process.env.CHAOS_CLI ?? join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
/** What `metronome start` prints once it listens and its workers run. */
export const READY_LINE = 'Metronome ready';
/** A killed process is gone at once; this only catches a kill that was never delivered or never reported. */
const EXIT_AFTER_SIGKILL_MS = 15_000;

/**
 * `promise`, unless `ms` pass first: then an error naming the step that hung and where to look, in place of
 * the test's own timeout that says only that the whole `beforeAll` took too long.
 */
export async function within<T>(promise: Promise<T>, ms: number, step: string, look: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`chaos: ${step} did not happen within ${ms / 1000} s; see ${look}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WorkerProcessOptions {
  configPath: string;
  databaseUrl: string;
  /** Working directory (the default SQLite path and `data/` land here, not in the repository). */
  cwd: string;
  /** Added to this process's environment. */
  env: Record<string, string>;
  /** Everything the process writes goes here, so a failing run can be read afterwards. */
  logPath: string;
  /** Bull on this Redis, keys under this prefix; absent: the inline queue. */
  redis?: { url: string; prefix: string };
  /** The script to run as `<cli> start --role worker …`; the built CLI unless a test of this class passes a stand-in. */
  cli?: string;
  /** `worker` unless a test needs another role beside it (an `api` process, say). */
  role?: 'worker' | 'api' | 'scheduler' | 'all';
  /** HTTP port; 0 (any free one) unless a test calls the process's API. */
  port?: number;
}

/** Every worker still running, so a test that times out or fails cannot leave one behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

/** SIGKILLs every worker this test process started that is still running. */
export async function killRunningWorkers(): Promise<void> {
  const exits = [...running].map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) {
    child.kill('SIGKILL');
  }
  await Promise.all(exits);
}

/** `metronome start --role worker` as a child process of the test: the thing the chaos test kills. */
export class WorkerProcess {
  readonly startedAt = new Date();
  readonly logPath: string;
  /** true once the process printed its ready line; false if it exited first. */
  readonly ready: Promise<boolean>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private alive = true;

  constructor(options: WorkerProcessOptions) {
    this.logPath = options.logPath;
    this.log = createWriteStream(options.logPath, { flags: 'a' });
    const args = ['start', '--role', options.role ?? 'worker', '--config', options.configPath];
    this.child = spawn(process.execPath, [options.cli ?? CLI, ...args], {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        DATABASE_URL: options.databaseUrl,
        PORT: String(options.port ?? 0),
        REDIS_URL: options.redis?.url ?? '',
        METRONOME_REDIS_PREFIX: options.redis?.prefix ?? 'metronome',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        this.alive = false;
        resolve({ code, signal });
      });
    });
    // 'close' comes after the last output was read ('exit' can come before): a write after end() would throw.
    this.child.once('close', (code, signal) => {
      this.log.end(`\n[chaos] exited code=${code} signal=${signal} at ${new Date().toISOString()}\n`);
    });
    this.child.stderr?.pipe(this.log, { end: false });
    this.child.stdout?.setEncoding('utf8');
    this.ready = new Promise((resolve) => {
      // Look for the line in what arrived, then keep only enough of it to catch a line split across two reads.
      // One read can hold the ready line and many kilobytes after it: on SQLite the worker flushes its buffered
      // start-up logs (~8 KB) right after the line, and a test process slow to read gets both at once.
      let carry: string | undefined = '';
      this.child.stdout?.on('data', (chunk: string) => {
        this.log.write(chunk);
        if (carry === undefined) {
          return;
        }
        const text = carry + chunk;
        if (text.includes(READY_LINE)) {
          carry = undefined;
          resolve(true);
        } else {
          carry = text.slice(-(READY_LINE.length - 1));
        }
      });
      void this.exited.then(() => resolve(false));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * SIGKILL: no shutdown hooks, no flush, in-flight publishes cut off. Returns whether it was running; throws
   * if the process is not reported gone within `timeoutMs`.
   */
  async kill(timeoutMs = EXIT_AFTER_SIGKILL_MS): Promise<boolean> {
    if (!this.alive) {
      return false;
    }
    this.log.write(`\n[chaos] SIGKILL at ${new Date().toISOString()}\n`);
    this.child.kill('SIGKILL');
    await within(this.exited, timeoutMs, `worker pid ${this.pid} exiting after SIGKILL`, this.logPath);
    return true;
  }

  /**
   * SIGTERM and wait: the orderly end of the last run. A worker that has not shut down within `timeoutMs` is
   * SIGKILLed and reported: a graceful shutdown that hangs is a defect, not something to wait out.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.alive) {
      return;
    }
    this.log.write(`\n[chaos] SIGTERM at ${new Date().toISOString()}\n`);
    this.child.kill('SIGTERM');
    try {
      await within(
        this.exited,
        timeoutMs,
        `worker pid ${this.pid} shutting down after SIGTERM`,
        this.logPath,
      );
    } catch (error) {
      await this.kill();
      throw error;
    }
  }
}
