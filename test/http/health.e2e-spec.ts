import type { INestApplication } from '@nestjs/common';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';

async function boot(dir: string, env: Record<string, string> = {}): Promise<INestApplication> {
  const runtime = runtimeOptions(
    { DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}`, LOG_LEVEL: 'silent', ...env },
    { port: '0' },
  );
  const loaded = await loadConfiguration('config/metronome.yaml', { env: {} });
  if (!loaded.ok) {
    throw new Error('demo config must be valid');
  }
  const app = await createApp(runtime, loaded.loaded);
  await app.init();
  return app;
}

describe('/health', () => {
  it('without a token: one status per component, nothing that names a path, a host or an id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-health-'));
    const app = await boot(dir);
    try {
      const response = await request(app.getHttpServer()).get('/health').expect(200);

      expect(response.body).toEqual({
        status: 'ok',
        components: { database: 'ok', queue: 'ok', storage: 'ok', notifiers: 'ok' },
      });
      expect(response.headers['x-powered-by']).toBeUndefined();
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await app.close();
    }
  });

  it('with a token that may read system details: versions, folders, latencies and the config revision', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-health-'));
    const app = await boot(dir);
    try {
      const tokens = new ApiTokenRepository(app.get(DataSource));
      const ops = (await tokens.create('ops', { scopes: ['system:read'] })).plaintext;
      const posts = (await tokens.create('posts', { scopes: ['posts:read'] })).plaintext;

      const detailed = await request(app.getHttpServer())
        .get('/health')
        .set('Authorization', `Bearer ${ops}`)
        .expect(200);
      expect(detailed.body).toMatchObject({
        status: 'ok',
        database: { dialect: 'better-sqlite3', status: 'ok' },
        queue: { driver: 'inline', status: 'ok' },
        storage: {
          status: 'ok',
          folders: expect.arrayContaining([expect.objectContaining({ path: dir, status: 'ok' })]),
        },
        config: { files: ['config/metronome.yaml'] },
      });
      const summary = await request(app.getHttpServer())
        .get('/health')
        .set('Authorization', `Bearer ${posts}`)
        .expect(200);
      expect(Object.keys(summary.body)).toEqual(['status', 'components']);
    } finally {
      await app.close();
    }
  });

  it('is unhealthy (503) when a data folder has less free space than Metronome needs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-health-'));
    // The real file system, asked for more room than any test machine has.
    const app = await boot(dir, { METRONOME_MIN_FREE_DISK_MB: String(1024 ** 4) });
    try {
      const response = await request(app.getHttpServer()).get('/health').expect(503);
      expect(response.body).toEqual({
        status: 'degraded',
        components: { database: 'ok', queue: 'ok', storage: 'full', notifiers: 'ok' },
      });
    } finally {
      await app.close();
    }
  });

  it('is unhealthy (503) when the data folder cannot be written any more', async () => {
    const root = mkdtempSync(join(tmpdir(), 'metronome-health-'));
    const dir = join(root, 'data');
    mkdirSync(dir);
    const app = await boot(dir);
    try {
      await request(app.getHttpServer()).get('/health').expect(200);
      // The volume goes away under the running process (the open database file keeps answering).
      renameSync(dir, join(root, 'data.gone'));
      writeFileSync(dir, 'not a folder');
      const response = await request(app.getHttpServer()).get('/health').expect(503);
      expect(response.body.components).toEqual({
        database: 'ok',
        queue: 'ok',
        storage: 'unwritable',
        notifiers: 'ok',
      });
    } finally {
      await app.close();
    }
  });
});
