import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app/bootstrap';
import { listenBeforeInit } from '../../src/app/listen-first';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { openDataSource } from '../../src/persistence/data-source.factory';

/** Runs the built CLI exactly as a user would (npm test builds it first). */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

function run(args: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // A process that keeps running is the defect: stop it so the test can say so.
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
}

describe('metronome start when the HTTP port cannot be bound', () => {
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => holder.close(resolve));
  });

  it('exits 1 naming the port and the fix, before taking any cluster lease or doing any work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-listen-'));
    const databaseUrl = `sqlite:${join(dir, 'metronome.db')}`;

    const result = await run(
      ['start'],
      { DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      20_000,
    );

    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('Metronome ready');
    expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(result.stderr).toContain('PORT');
    // Said once, not once per layer.
    expect(result.stderr.split('already in use').length - 1).toBe(1);
    const dataSource = await openDataSource(databaseUrl);
    try {
      expect(await dataSource.query('SELECT * FROM "cluster_leases"')).toEqual([]);
      expect(await dataSource.query('SELECT * FROM "posts"')).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  }, 30_000);
});

describe('a process whose port is bound but whose modules are still starting', () => {
  it('answers 503 "starting" (not 404) until it is ready, then serves /health', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-starting-'));
    const runtime = runtimeOptions(
      { DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}`, LOG_LEVEL: 'silent' },
      { port: '0' },
    );
    const loaded = await loadConfiguration('config/metronome.yaml', { env: {} });
    if (!loaded.ok) {
      throw new Error('demo config must be valid');
    }
    const app = await createApp(runtime, loaded.loaded);
    try {
      const { markReady } = await listenBeforeInit(app, 0, '127.0.0.1');
      const url = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}/health`;
      const starting = await fetch(url);
      expect(starting.status).toBe(503);
      expect(await starting.json()).toMatchObject({ status: 'starting' });
      await app.init();
      markReady();
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
