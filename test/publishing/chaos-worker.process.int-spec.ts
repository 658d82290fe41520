import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READY_LINE, within, WorkerProcess } from './chaos-worker.process';

/**
 * The chaos test's handle on a worker process, driven by small stand-in scripts in place of the CLI. Its SQLite
 * run once stalled for 600 s in CI because the ready line came in one read with 8 KB of start-up logs after it
 * and was never seen: the harness waited for a worker that had long been publishing.
 */
describe('WorkerProcess (the chaos test worker handle)', () => {
  let dir: string;
  const workers: WorkerProcess[] = [];

  /** A worker whose "CLI" is `body`, a Node script. */
  const start = (body: string): WorkerProcess => {
    const cli = join(dir, `stand-in-${workers.length}.js`);
    writeFileSync(cli, body);
    const worker = new WorkerProcess({
      configPath: join(dir, 'metronome.yaml'),
      databaseUrl: 'sqlite::memory:',
      cwd: dir,
      env: {},
      logPath: join(dir, `worker-${workers.length}.log`),
      cli,
    });
    workers.push(worker);
    return worker;
  };
  const hang = 'setInterval(() => undefined, 1 << 30);';
  /** A missed ready line fails here, not at the test timeout. */
  const ready = (worker: WorkerProcess) => within(worker.ready, 10_000, 'the ready line', worker.logPath);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'metronome-chaos-worker-'));
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      await worker.kill();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('sees the ready line when many kilobytes follow it in the same read', async () => {
    const logs = JSON.stringify(`${'{"level":30,"msg":"buffered start-up log"}\n'.repeat(400)}`);
    const worker = start(
      `process.stdout.write(${JSON.stringify(`${READY_LINE}: role worker\n`)} + ${logs}); ${hang}`,
    );

    await expect(ready(worker)).resolves.toBe(true);
  });

  it('sees the ready line when it is split across two reads', async () => {
    const worker = start(
      `process.stdout.write('x'.repeat(10000) + 'Metronome re');` +
        `setTimeout(() => process.stdout.write('ady: role worker\\n'), 200); ${hang}`,
    );

    await expect(ready(worker)).resolves.toBe(true);
  });

  it('reports a worker that exits before it is ready', async () => {
    const worker = start(`console.error('cannot open the database'); process.exit(3);`);

    await expect(worker.ready).resolves.toBe(false);
    await expect(worker.exited).resolves.toEqual({ code: 3, signal: null });
    expect(await worker.kill()).toBe(false);
  });

  it('SIGKILLs a worker that ignores SIGTERM and names the step that hung', async () => {
    const worker = start(
      `process.on('SIGTERM', () => undefined); process.stdout.write('${READY_LINE}\\n'); ${hang}`,
    );
    await ready(worker);

    await expect(worker.stop(500)).rejects.toThrow(
      `chaos: worker pid ${worker.pid} shutting down after SIGTERM did not happen within 0.5 s; see ${worker.logPath}`,
    );
    await expect(worker.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
  });
});
