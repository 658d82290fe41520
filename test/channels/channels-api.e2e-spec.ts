import { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';

/** The channels API's refusals, in the error body every route answers with. */
describe('channels API errors (real SQLite file, inline queue, demo config)', () => {
  let app: INestApplication;
  let auth: { Authorization: string };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-channels-'));
    const runtime = runtimeOptions(
      { DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}`, LOG_LEVEL: 'silent' },
      { port: '0' },
    );
    const loaded = await loadConfiguration('config/metronome.yaml', { env: {} });
    if (!loaded.ok) {
      throw new Error('demo config must be valid');
    }
    app = await createApp(runtime, loaded.loaded);
    await app.init();
    const { plaintext } = await new ApiTokenRepository(app.get(DataSource)).create('channels', {
      person: 'maya',
      scopes: ['channels:write'],
    });
    auth = { Authorization: `Bearer ${plaintext}` };
  });

  afterAll(async () => {
    await app.close();
  });

  it('an unknown channel is 404 not_found, naming the command that lists them', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/v1/channels/demo/nope/reconnect')
      .set(auth)
      .send({})
      .expect(404);
    expect(response.body).toEqual({
      error: { code: 'not_found', message: 'no channel demo/nope: see `metronome channels list`' },
    });
  });

  it('a channel that needs no reconnect is 400 invalid, with its status', async () => {
    const response = await request(app.getHttpServer())
      .post('/api/v1/channels/demo/sandbox/reconnect')
      .set(auth)
      .send({})
      .expect(400);
    expect(response.body).toEqual({
      error: { code: 'invalid', message: 'demo/sandbox is active: nothing to reconnect' },
    });
  });
});
