import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';

const REDIS_URL = process.env.METRONOME_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Scale-out: REDIS_URL switches to Bull on the real Redis; each role serves what it should. */
describe('roles on Bull + Redis', () => {
  const apps: INestApplication[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'metronome-bull-'));
  // A deployment of its own on the shared Redis: every key under this prefix.
  const prefix = `metronome-test-${randomUUID().slice(0, 8)}`;

  async function boot(role: string): Promise<INestApplication> {
    const loaded = await loadConfiguration('config/metronome.yaml', { env: {} });
    if (!loaded.ok) {
      throw new Error('demo config must be valid');
    }
    const runtime = runtimeOptions(
      {
        DATABASE_URL: `sqlite:${join(dir, 'shared.db')}`,
        REDIS_URL,
        METRONOME_REDIS_PREFIX: prefix,
        LOG_LEVEL: 'silent',
      },
      { role, port: '0' },
    );
    const app = await createApp(runtime, loaded.loaded);
    await app.init();
    apps.push(app);
    return app;
  }

  afterAll(async () => {
    for (const app of apps.reverse()) {
      await app.close();
    }
  });

  it('a worker reports the bull queue healthy and serves no REST API', async () => {
    const worker = await boot('worker');
    const health = await request(worker.getHttpServer()).get('/health').expect(200);
    expect(health.body.components).toMatchObject({ queue: 'ok' });
    await request(worker.getHttpServer()).get('/api/v1/config').expect(404);
  });

  it('the api role serves the REST API', async () => {
    const api = await boot('api');
    await request(api.getHttpServer()).get('/api/v1/config').expect(401);
  });
});
