import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ApiTokenRepository, type ApiTokenGrant } from '../../src/persistence/api-token.repository';
import { post } from '../content/content-workspace';
import { startWebApp, WEB_YAML, type WebApp } from '../web/web-app.fixture';

/** The web app's people, plus abe: approver on acme only (no role on beta). */
const YAML = WEB_YAML.replace(
  '  nobody: { name: No Body, email: nobody@example.com }',
  '  nobody: { name: No Body, email: nobody@example.com }\n  abe: { name: Abe Approver, email: abe@example.com }',
).replace(
  'roles: { cleo: client, rosa: community, ed: editor }',
  'roles: { cleo: client, rosa: community, ed: editor, abe: approver }',
);

const EVERYTHING = [
  'posts:write',
  'content:write',
  'approvals:write',
  'inbox:write',
  'incidents:write',
  'reports:write',
  'channels:write',
];

describe('REST API: a person’s token is held to the person’s roles on each brand', () => {
  let web: WebApp;
  let acmePost: string;
  let betaPost: string;

  async function tokenFor(grant: ApiTokenGrant) {
    const created = await new ApiTokenRepository(web.dataSource).create(
      `t-${Math.random().toString(36).slice(2)}`,
      grant,
    );
    return { Authorization: `Bearer ${created.plaintext}` };
  }

  beforeAll(async () => {
    web = await startWebApp({
      yaml: YAML,
      files: { 'launch.md': post('title: Launch\npublish: 2030-01-09 09:15') },
      prepare: (dir) => {
        mkdirSync(join(dir, 'content-beta'), { recursive: true });
        writeFileSync(join(dir, 'content-beta', 'ride.md'), post('title: Ride\npublish: 2030-01-10 09:00'));
      },
    });
    const service = await tokenFor({ service: 'ops', scopes: ['posts:read'] });
    const posts = (await request(web.server).get('/api/v1/posts').set(service).expect(200)).body as Array<{
      id: string;
      brand: string;
    }>;
    // Service tokens are unchanged: every brand.
    expect(posts.map((p) => p.brand).sort()).toEqual(['acme', 'beta']);
    acmePost = posts.find((p) => p.brand === 'acme')!.id;
    betaPost = posts.find((p) => p.brand === 'beta')!.id;
  });

  afterAll(async () => {
    await web.close();
  });

  it('a client’s token cannot approve, whatever its scopes; the refusal names the role needed', async () => {
    const cleo = await tokenFor({ person: 'cleo', scopes: EVERYTHING });
    const refused = await request(web.server)
      .post(`/api/v1/posts/${acmePost}/decisions`)
      .set(cleo)
      .send({ decision: 'approve' })
      .expect(403);
    expect(refused.body.error.message).toContain('"cleo" is client on "acme"');
    expect(refused.body.error.message).toContain('approvals:write there needs the role');
    expect(refused.body.error.message).toContain('approver');
    // Reading is what a client may do.
    const read = await request(web.server).get('/api/v1/posts').set(cleo).expect(200);
    expect((read.body as Array<{ brand: string }>).map((p) => p.brand)).toEqual(['acme']);
    // And writing content is not.
    await request(web.server)
      .put('/api/v1/brands/acme/content/cleo.md')
      .set(cleo)
      .send({ text: post('title: Cleo') })
      .expect(403);
  });

  it('an approver on acme cannot list beta’s posts, approvals or inbox; lists show acme only', async () => {
    const abe = await tokenFor({ person: 'abe', scopes: EVERYTHING });
    const refused = await request(web.server).get('/api/v1/posts?brand=beta').set(abe).expect(403);
    expect(refused.body.error.message).toContain('"abe" has no role on "beta"');
    await request(web.server).get('/api/v1/approvals?brand=beta').set(abe).expect(403);
    const posts = await request(web.server).get('/api/v1/posts').set(abe).expect(200);
    expect((posts.body as Array<{ brand: string }>).map((p) => p.brand)).toEqual(['acme']);
    const approvals = await request(web.server).get('/api/v1/approvals').set(abe).expect(200);
    for (const step of approvals.body as Array<{ brand: string }>) {
      expect(step.brand).toBe('acme');
    }
    const beta = await request(web.server)
      .post(`/api/v1/posts/${betaPost}/decisions`)
      .set(abe)
      .send({ decision: 'approve' })
      .expect(403);
    expect(beta.body.error.message).toContain('"abe" has no role on "beta"');
  });

  it('an editor can write content but not approve', async () => {
    const ed = await tokenFor({ person: 'ed', scopes: EVERYTHING });
    await request(web.server)
      .put('/api/v1/brands/acme/content/ed.md')
      .set(ed)
      .send({ text: post('title: Ed writes\npublish: 2030-02-01 09:00') })
      .expect((answer) => expect(answer.status).toBeLessThan(300));
    const refused = await request(web.server)
      .post(`/api/v1/posts/${acmePost}/decisions`)
      .set(ed)
      .send({ decision: 'approve' })
      .expect(403);
    expect(refused.body.error.message).toContain('"ed" is editor on "acme"');
    // Not on a brand where the editor has no role.
    await request(web.server)
      .put('/api/v1/brands/beta/content/ed.md')
      .set(ed)
      .send({ text: post('title: Ed elsewhere') })
      .expect(403);
  });

  it('a person with no role is refused on lists; system:read needs an organisation admin', async () => {
    const nobody = await tokenFor({ person: 'nobody', scopes: [...EVERYTHING, 'system:read'] });
    const list = await request(web.server).get('/api/v1/posts').set(nobody).expect(403);
    expect(list.body.error.message).toContain('"nobody" has no role that allows posts:read');
    const system = await request(web.server).get('/api/v1/brands').set(nobody).expect(403);
    expect(system.body.error.message).toContain('needs one (people.nobody.admin: true)');
    const maya = await tokenFor({ person: 'maya', scopes: ['system:read', 'posts:read'] });
    const brands = await request(web.server).get('/api/v1/brands').set(maya).expect(200);
    expect((brands.body as Array<{ id: string }>).map((b) => b.id)).toEqual(['acme', 'beta']);
    const all = await request(web.server).get('/api/v1/posts').set(maya).expect(200);
    expect([...new Set((all.body as Array<{ brand: string }>).map((p) => p.brand))].sort()).toEqual([
      'acme',
      'beta',
    ]);
  });

  it('the approver’s own decision still goes through (roles allow, scopes allow)', async () => {
    const theo = await tokenFor({ person: 'theo', scopes: ['approvals:write'] });
    await request(web.server)
      .post(`/api/v1/posts/${acmePost}/decisions`)
      .set(theo)
      .send({ decision: 'approve' })
      .expect(201);
  });
});
