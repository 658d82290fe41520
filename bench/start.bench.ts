/**
 * bench:start — time from launching `metronome start` to its first 200 on /health, and the idle RSS
 * of that process after it settles (no browser). Goal: ≤ 2 s and ≤ 200 MB. Runs the built CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function waitForHealth(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('Metronome did not become healthy within 30 s');
}

async function once(run: number): Promise<{ readyMs: number; idleRssMb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-bench-start-'));
  const port = 38000 + run;
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'start', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    await waitForHealth(port, Date.now() + 30_000);
    const readyMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return { readyMs, idleRssMb: rssMb(child.pid as number) };
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  const results = [];
  for (let run = 0; run < RUNS; run++) {
    results.push(await once(run));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const readyMs = Math.round(median(results.map((r) => r.readyMs)));
  const idleRssMb = Math.round(median(results.map((r) => r.idleRssMb)) * 10) / 10;
  console.log(`start → first healthy /health, median of ${RUNS}: ${readyMs} ms (goal ≤ 2000 ms)`);
  console.log(`idle RSS 3 s after ready, median: ${idleRssMb} MB (goal ≤ 200 MB)`);
  console.log(
    `runs: ${results.map((r) => `${Math.round(r.readyMs)} ms / ${r.idleRssMb.toFixed(1)} MB`).join(', ')}`,
  );
  console.log(JSON.stringify({ readyMs, idleRssMb }));
}

void main();
