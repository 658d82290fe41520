import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/** The built CLI (`npm run build`); CHAOS_CLI points at another build, e.g. one a concurrent rebuild cannot touch. */
export const CLI = process.env.CHAOS_CLI ?? join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const READY_LINE = 'Metronome ready';

export interface WorkerProcessOptions {
  configPath: string;
  databaseUrl: string;
  /** Working directory (the default SQLite path and `data/` land here, not in the repository). */
  cwd: string;
  /** Added to this process's environment. */
  env: Record<string, string>;
  /** Everything the process writes goes here, so a failing run can be read afterwards. */
  logPath: string;
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
  /** true once the process printed its ready line; false if it exited first. */
  readonly ready: Promise<boolean>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private alive = true;

  constructor(options: WorkerProcessOptions) {
    this.log = createWriteStream(options.logPath, { flags: 'a' });
    this.child = spawn(process.execPath, [CLI, 'start', '--role', 'worker', '--config', options.configPath], {
      cwd: options.cwd,
      env: {
        ...process.env,
        ...options.env,
        DATABASE_URL: options.databaseUrl,
        PORT: '0',
        REDIS_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this.child);
        this.alive = false;
        this.log.end(`\n[chaos] exited code=${code} signal=${signal}\n`);
        resolve({ code, signal });
      });
    });
    this.child.stderr?.pipe(this.log, { end: false });
    this.ready = new Promise((resolve) => {
      let seen = '';
      this.child.stdout?.on('data', (chunk: Buffer) => {
        this.log.write(chunk);
        if (!seen.includes(READY_LINE)) {
          seen = (seen + chunk.toString()).slice(-4096);
          if (seen.includes(READY_LINE)) {
            resolve(true);
          }
        }
      });
      void this.exited.then(() => resolve(false));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGKILL: no shutdown hooks, no flush, in-flight publishes cut off. Returns whether it was running. */
  async kill(): Promise<boolean> {
    if (!this.alive) {
      return false;
    }
    this.log.write(`\n[chaos] SIGKILL at ${new Date().toISOString()}\n`);
    this.child.kill('SIGKILL');
    await this.exited;
    return true;
  }

  /** SIGTERM and wait: the orderly end of the last run. */
  async stop(): Promise<void> {
    if (this.alive) {
      this.child.kill('SIGTERM');
      await this.exited;
    }
  }
}
