import type { INestApplication } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { ApiTokenRepository, type ApiTokenGrant } from '../../src/persistence/api-token.repository';
import { createContentWorkspace, post } from '../content/content-workspace';
import { createTestDatabase } from '../persistence/test-database';

/** Two brands; acme's posts need theo's copy review, then maya's sign-off. */
const YAML = `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
  theo: { name: Theo, email: theo@example.com, admin: true }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      social: { connector: sandbox, options: { handle: acme }, approval: two-person }
    approvals:
      two-person:
        steps:
          - { name: copy review, approvers: [theo], dueBefore: 48h }
          - { name: sign-off, approvers: [maya], dueBefore: 24h }
  beta:
    name: Beta Bikes
    timezone: Europe/London
    owner: theo
    content: { folder: content-beta }
    channels:
      social: { connector: sandbox, options: { handle: beta }, approval: one }
    approvals:
      one:
        steps:
          - { name: review, approvers: [theo], dueBefore: 24h }
`;

interface AuditRow {
  actor: string;
  action: string;
  api_token_id: string | null;
  on_behalf_by: string | null;
}

describe('API authorization: tokens act as their person or service, within their scopes and brands', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  let acmePost: string;
  let betaPost: string;
  let server: ReturnType<INestApplication['getHttpServer']>;

  async function token(name: string, grant: ApiTokenGrant) {
    const created = await new ApiTokenRepository(dataSource).create(name, grant);
    return { id: created.token.id, auth: { Authorization: `Bearer ${created.plaintext}` } };
  }
  const all = { scopes: ['approvals:write', 'posts:write', 'content:write', 'incidents:write'] };

  beforeAll(async () => {
    const scratch = await createTestDatabase();
    const ws = await createContentWorkspace(await scratch.openMigrated(), YAML, (dir) => {
      mkdirSync(join(dir, 'content-beta'));
      writeFileSync(join(dir, 'content-beta', 'ride.md'), post('title: Ride\npublish: 2030-01-10 09:00'));
    });
    ws.write('launch.md', post('title: Launch\npublish: 2030-01-09 09:15'));
    const loaded = await loadConfiguration(join(ws.dir, 'metronome.yaml'), { env: {} });
    if (!loaded.ok) {
      throw new Error(JSON.stringify(loaded.issues));
    }
    const runtime = runtimeOptions(
      // The workspace's database, where its config revision (brands, channels) is recorded; the api role alone.
      {
        DATABASE_URL: scratch.url.dialect === 'sqlite' ? `sqlite:${scratch.url.path}` : scratch.url.url,
        LOG_LEVEL: 'silent',
      },
      { role: 'api', port: '0' },
    );
    app = await createApp(runtime, loaded.loaded);
    await app.init();
    dataSource = app.get(DataSource);
    server = app.getHttpServer();
    const admin = await token('setup', { scopes: ['content:write', 'posts:read'] });
    await request(server).post('/api/v1/plan/sync').set(admin.auth).send({}).expect(201);
    const posts = (await request(server).get('/api/v1/posts').set(admin.auth).expect(200)).body as Array<{
      id: string;
      brand: string;
    }>;
    acmePost = posts.find((p) => p.brand === 'acme')!.id;
    betaPost = posts.find((p) => p.brand === 'beta')!.id;
  });

  afterAll(async () => {
    await app.close();
  });

  const decisionsOf = async (postId: string): Promise<AuditRow[]> =>
    dataSource.query(
      `SELECT "actor", "action", "api_token_id", "on_behalf_by" FROM "audit_events" WHERE "subject_id" = ? AND "action" = 'approval.decided' ORDER BY "id"`,
      [postId],
    );

  it('one person’s token cannot complete a two-person chain by naming the other person', async () => {
    const theo = await token('theo-laptop', { person: 'theo', ...all });
    const maya = await token('maya-phone', { person: 'maya', ...all });

    await request(server)
      .post(`/api/v1/posts/${acmePost}/decisions`)
      .set(theo.auth)
      .send({ decision: 'approve' })
      .expect(201);
    const impersonation = await request(server)
      .post(`/api/v1/posts/${acmePost}/decisions`)
      .set(theo.auth)
      .send({ decision: 'approve', onBehalfOf: 'maya' })
      .expect(403);
    expect(impersonation.body.error.message).toContain('may not act on behalf of "maya"');
    // The old body field is not a way round it either.
    const renamed = await request(server)
      .post(`/api/v1/posts/${acmePost}/decisions`)
      .set(theo.auth)
      .send({ decision: 'approve', person: 'maya' })
      .expect(400);
    expect(String(renamed.body.error.message)).toContain(
      '"person": the token\'s person takes the action now',
    );
    const stillInReview = await request(server)
      .get('/api/v1/approvals?brand=acme')
      .set(maya.auth)
      .expect(200);
    expect(stillInReview.body).toEqual([
      expect.objectContaining({ postId: acmePost, step: 'sign-off', approvers: ['maya'] }),
    ]);

    const signOff = await request(server)
      .post(`/api/v1/posts/${acmePost}/decisions`)
      .set(maya.auth)
      .send({ decision: 'approve' })
      .expect(201);
    expect(signOff.body).toMatchObject({ step: 'sign-off', stepStatus: 'approved' });
    expect(await decisionsOf(acmePost)).toEqual([
      { actor: 'theo', action: 'approval.decided', api_token_id: theo.id, on_behalf_by: null },
      { actor: 'maya', action: 'approval.decided', api_token_id: maya.id, on_behalf_by: null },
    ]);
  });

  it('a service token takes no person’s decision; an admin token may, and the audit says on whose behalf', async () => {
    const ci = await token('ci', { service: 'ci-bot', ...all });
    const refused = await request(server)
      .post(`/api/v1/posts/${betaPost}/decisions`)
      .set(ci.auth)
      .send({ decision: 'approve' })
      .expect(403);
    expect(refused.body.error.message).toContain('is the service "ci-bot"');
    await request(server)
      .post(`/api/v1/posts/${betaPost}/decisions`)
      .set(ci.auth)
      .send({ decision: 'approve', onBehalfOf: 'theo' })
      .expect(403);

    const ops = await token('ops', { service: 'ops-desk', admin: true, ...all });
    await request(server)
      .post(`/api/v1/posts/${betaPost}/decisions`)
      .set(ops.auth)
      .send({ decision: 'approve', onBehalfOf: 'nobody' })
      .expect(400);
    await request(server)
      .post(`/api/v1/posts/${betaPost}/decisions`)
      .set(ops.auth)
      .send({ decision: 'approve', onBehalfOf: 'theo' })
      .expect(201);
    expect(await decisionsOf(betaPost)).toEqual([
      { actor: 'theo', action: 'approval.decided', api_token_id: ops.id, on_behalf_by: 'service:ops-desk' },
    ]);
  });

  it('a token does only what its scopes say: read is not write, write includes read', async () => {
    const reader = await token('dashboard', { service: 'grafana', scopes: ['posts:read'] });
    await request(server).get('/api/v1/posts').set(reader.auth).expect(200);
    const write = await request(server)
      .post(`/api/v1/posts/${acmePost}/release`)
      .set(reader.auth)
      .send({})
      .expect(403);
    expect(write.body.error.message).toContain('lacks the scope posts:write');
    await request(server).get('/api/v1/approvals').set(reader.auth).expect(403);
    await request(server).get('/metrics').set(reader.auth).expect(403);

    const approver = await token('approver', { person: 'theo', scopes: ['approvals:write'] });
    await request(server).get('/api/v1/approvals').set(approver.auth).expect(200);
  });

  it('a brand-limited token sees only its brands and is refused on the others', async () => {
    const acmeOnly = await token('acme-agency', {
      person: 'theo',
      brands: ['acme'],
      scopes: ['posts:write', 'approvals:write', 'content:write', 'system:read'],
    });
    const posts = await request(server).get('/api/v1/posts').set(acmeOnly.auth).expect(200);
    expect((posts.body as Array<{ brand: string }>).map((p) => p.brand)).toEqual(['acme']);
    await request(server).get('/api/v1/posts?brand=beta').set(acmeOnly.auth).expect(403);
    const brands = await request(server).get('/api/v1/brands').set(acmeOnly.auth).expect(200);
    expect((brands.body as Array<{ id: string }>).map((b) => b.id)).toEqual(['acme']);
    await request(server).get('/api/v1/brands/beta/content').set(acmeOnly.auth).expect(403);
    await request(server).get('/api/v1/brands/acme/content').set(acmeOnly.auth).expect(200);
    await request(server)
      .put('/api/v1/brands/beta/content/x.md')
      .set(acmeOnly.auth)
      .send({ text: post('title: X') })
      .expect(403);
    const other = await request(server)
      .post(`/api/v1/posts/${betaPost}/release`)
      .set(acmeOnly.auth)
      .send({})
      .expect(403);
    expect(other.body.error.message).toContain('may act only on "acme", not "beta"');
    await request(server).post('/api/v1/plan/sync').set(acmeOnly.auth).send({ brand: 'beta' }).expect(403);
    const synced = await request(server).post('/api/v1/plan/sync').set(acmeOnly.auth).send({}).expect(201);
    expect((synced.body as Array<{ brand: string }>).map((r) => r.brand)).toEqual(['acme']);
  });
});
