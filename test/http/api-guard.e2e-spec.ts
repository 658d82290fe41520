import { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';

describe('HTTP API (real SQLite file, inline queue, demo config)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-http-'));
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
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers /health without a token, with a status per component', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    expect(response.body).toEqual({
      status: 'ok',
      components: { database: 'ok', queue: 'ok', storage: 'ok', notifiers: 'ok' },
    });
  });

  it('guards every other route: no route answers without a valid token', async () => {
    const document = SwaggerModule.createDocument(app, {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
    });
    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => ({ method, path: path.replace(/\{[^}]+\}/g, 'x') })),
    );
    expect(routes.length).toBeGreaterThanOrEqual(5);
    const open: string[] = [];
    for (const route of routes) {
      const agent = request(app.getHttpServer()) as unknown as Record<string, (path: string) => request.Test>;
      const noToken = await agent[route.method](route.path);
      const badToken = await agent[route.method](route.path).set(
        'Authorization',
        'Bearer mtr_not-a-real-token',
      );
      if (noToken.status !== 401 || badToken.status !== 401) {
        open.push(`${route.method.toUpperCase()} ${route.path}`);
      }
    }
    // Signed notification links need no API token but a valid signature: without one they refuse too.
    const signedLinks = ['GET /api/v1/incidents/x/ack', 'GET /api/v1/incidents/x/resolve'];
    const linkButtons = ['POST /api/v1/incidents/x/ack/confirm', 'POST /api/v1/incidents/x/resolve/confirm'];
    // Media URLs for platforms: the signed token is the whole permission; a forged one is 403.
    const mediaUrls = ['GET /media/x'];
    // The platform's OAuth redirect carries no API token: the single-use state it was sent with is the permission.
    const oauthCallback = ['GET /oauth/callback'];
    expect(open.sort()).toEqual(
      ['GET /health', ...signedLinks, ...linkButtons, ...mediaUrls, ...oauthCallback].sort(),
    );
    await request(app.getHttpServer()).get('/oauth/callback').expect(400);
    await request(app.getHttpServer()).get('/oauth/callback?state=forged&code=stolen').expect(400);
    await request(app.getHttpServer()).get('/media/x').expect(403);
    await request(app.getHttpServer()).get('/media/AQ-forged_token.mp4').expect(403);
    for (const link of signedLinks) {
      const path = link.split(' ')[1];
      await request(app.getHttpServer()).get(path).expect(400);
      await request(app.getHttpServer()).get(`${path}?token=1.forged`).expect(403);
    }
    for (const button of linkButtons) {
      const path = button.split(' ')[1];
      await request(app.getHttpServer()).post(path).expect(400);
      await request(app.getHttpServer()).post(path).type('form').send({ token: '1.forged' }).expect(403);
    }
  });

  it('every route states its scope: a token without scopes is refused (403) everywhere a token is needed', async () => {
    const tokens = new ApiTokenRepository(app.get(DataSource));
    const { plaintext } = await tokens.create('no-scopes', { scopes: [] });
    const document = SwaggerModule.createDocument(app, {
      openapi: '3.0.0',
      info: { title: 't', version: '1' },
    });
    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => ({ method, path: path.replace(/\{[^}]+\}/g, 'x') })),
    );
    const agent = request(app.getHttpServer()) as unknown as Record<string, (path: string) => request.Test>;
    const notRefused: string[] = [];
    for (const route of routes) {
      const response = await agent[route.method](route.path).set('Authorization', `Bearer ${plaintext}`);
      if (response.status !== 403) {
        notRefused.push(`${route.method.toUpperCase()} ${route.path} ${response.status}`);
      }
    }
    expect(notRefused.map((line) => line.split(' ').slice(0, 2).join(' ')).sort()).toEqual(
      [
        'GET /health',
        'GET /api/v1/incidents/x/ack',
        'GET /api/v1/incidents/x/resolve',
        'POST /api/v1/incidents/x/ack/confirm',
        'POST /api/v1/incidents/x/resolve/confirm',
        'GET /oauth/callback',
      ].sort(),
    );
  });

  it('serves the API and Prometheus metrics to a valid token, and refuses it once revoked', async () => {
    const tokens = new ApiTokenRepository(app.get(DataSource));
    const { plaintext: token } = await tokens.create('e2e');
    const auth = { Authorization: `Bearer ${token}` };
    const config = await request(app.getHttpServer()).get('/api/v1/config').set(auth).expect(200);
    expect(config.body).toMatchObject({
      organisation: { name: 'Demo Studio' },
      counts: { brands: 1, people: 2 },
    });
    const plugins = await request(app.getHttpServer()).get('/api/v1/plugins').set(auth).expect(200);
    expect(plugins.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'sandbox', status: 'loaded' })]),
    );
    const metrics = await request(app.getHttpServer()).get('/metrics').set(auth).expect(200);
    expect(metrics.text).toContain('metronome_info{version=');
    await tokens.revoke('e2e');
    await request(app.getHttpServer()).get('/api/v1/config').set(auth).expect(401);
  });

  it('lists channels and reconnects one whose credentials were refused', async () => {
    const dataSource = app.get(DataSource);
    const { plaintext: token } = await new ApiTokenRepository(dataSource).create('channels', {
      person: 'maya',
      scopes: ['channels:write'],
    });
    const auth = { Authorization: `Bearer ${token}` };
    const server = app.getHttpServer();
    // The demo's channels come from the config revision recorded at start.
    const list = await request(server).get('/api/v1/channels').set(auth).expect(200);
    expect(list.body).toEqual([
      { brand: 'demo', channel: 'sandbox', connector: 'sandbox', status: 'active' },
    ]);
    await request(server).post('/api/v1/channels/demo/sandbox/reconnect').set(auth).send({}).expect(400);
    await dataSource.query(`UPDATE "channels" SET "status" = 'needs_reconnect'`);
    // Maya's token acts as Maya; naming someone else needs an admin token.
    await request(server)
      .post('/api/v1/channels/demo/sandbox/reconnect')
      .set(auth)
      .send({ onBehalfOf: 'theo' })
      .expect(403);
    await request(server).post('/api/v1/channels/demo/nope/reconnect').set(auth).send({}).expect(404);
    const reconnected = await request(server)
      .post('/api/v1/channels/demo/sandbox/reconnect')
      .set(auth)
      .send({})
      .expect(201);
    expect(reconnected.body).toMatchObject({ brand: 'demo', channel: 'sandbox', status: 'active' });
    const [audit] = await dataSource.query(
      `SELECT "actor", "api_token_id" AS "token" FROM "audit_events" WHERE "action" = 'channel.reconnected'`,
    );
    expect(audit).toEqual({
      actor: 'maya',
      token: (await new ApiTokenRepository(dataSource).list()).find((t) => t.name === 'channels')?.id,
    });
    expect((await request(server).get('/api/v1/channels?brand=demo').set(auth)).body[0].status).toBe(
      'active',
    );
  });

  it('publishes OpenAPI docs at /api/docs', async () => {
    const spec = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/api/v1/config', '/api/v1/plugins']),
    );
  });
});
