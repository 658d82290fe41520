import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { ConfigService } from '../../src/config/config.service';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { startWebApp, WEB_YAML, type WebApp } from './web-app.fixture';

/** A token name is at most 100 characters (the form's limit): the hostile parts fit in it. */
const HOSTILE = `<script>alert(1)</script>\u202Egnp.exe ${'x'.repeat(10_000)}`.slice(0, 100);
const HOSTILE_PLUGIN = `<script>alert(3)</script>\u202Eboom`;
/** A YAML key may be 1,024 characters at most: the long hostile text goes into the token name test instead. */
const HOSTILE_KEY = `<script>alert(2)</script>\u202E`;

describe('web app: System', () => {
  let web: WebApp;

  beforeAll(async () => {
    web = await startWebApp();
  });

  afterAll(async () => {
    await web.close();
  });

  it('without a session, System sends the browser to sign-in', async () => {
    await request(web.server)
      .get('/system')
      .expect(303)
      .expect('Location', /^\/sign-in/);
    await request(web.server).post('/system/tokens').expect(303);
  });

  it('is for organisation admins only: theo (owner of beta) and cleo are refused', async () => {
    for (const person of ['theo', 'cleo', 'nobody']) {
      const session = await web.signIn(person);
      await request(web.server).get('/system').set('Cookie', session.cookie).expect(403);
      await request(web.server)
        .post('/system/tokens')
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf, name: 'sneaky', owner: 'service' })
        .expect(403);
    }
    const maya = await web.signIn('maya');
    const page = await request(web.server).get('/system').set('Cookie', maya.cookie).expect(200);
    const loaded = web.app.get(ConfigService).loaded;
    expect(page.text).toContain(loaded.revisionHash.slice(0, 12));
    expect(page.text).toContain('Inline (no Redis');
    expect(page.text).toContain('Posts due, not sent yet');
    // Plugins: the built-in ones the config uses, loaded.
    expect(page.text).toContain('sandbox');
    expect(page.text).toContain('None since this server started');
  });

  it('a token created in the page is shown once, works against /api/v1, and revoking it makes it 401', async () => {
    const maya = await web.signIn('maya');
    const created = await request(web.server)
      .post('/system/tokens')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({
        _csrf: maya.csrf,
        name: HOSTILE,
        owner: 'person:cleo',
        scopes: ['channels:read', 'reports:read'],
        brands: 'acme',
      })
      .expect(201);
    const plaintext = /id="new-token"[^>]*value="(mtr_[^"]+)"/.exec(created.text)?.[1];
    expect(plaintext).toBeDefined();
    expect(created.text).toContain('shown this once');
    // The hostile name, escaped and without its bidi override.
    expect(created.text).not.toContain('<script>alert(1)</script>');
    expect(created.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(created.text).not.toContain('\u202E');
    // The token is in the list; its plaintext is never shown again.
    const listed = await request(web.server).get('/system').set('Cookie', maya.cookie).expect(200);
    expect(listed.text).toContain(plaintext!.slice(0, 8));
    expect(listed.text).not.toContain(plaintext!);
    expect(listed.text).toContain('person cleo');
    expect(listed.text).toContain('channels:read, reports:read');
    const api = await request(web.server)
      .get('/api/v1/channels')
      .set('Authorization', `Bearer ${plaintext}`)
      .expect(200);
    expect((api.body as Array<{ brand: string }>).map((row) => row.brand)).toEqual(['acme']);
    // Its scopes hold: no writing.
    await request(web.server)
      .post('/api/v1/reports')
      .set('Authorization', `Bearer ${plaintext}`)
      .send({ brand: 'acme', month: '2026-10' })
      .expect(403);
    const id = /action="\/system\/tokens\/([^/]+)\/revoke"/.exec(listed.text)![1];
    await request(web.server)
      .post(`/system/tokens/${id}/revoke`)
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf })
      .expect(303)
      .expect('Location', '/system#api-tokens');
    await request(web.server).get('/api/v1/channels').set('Authorization', `Bearer ${plaintext}`).expect(401);
    const after = await request(web.server).get('/system').set('Cookie', maya.cookie).expect(200);
    expect(after.text).toContain('Revoked');
    const audit = await web.dataSource
      .getRepository(AuditEventEntity)
      .findBy({ subjectType: 'api_token', subjectId: id });
    expect(audit.map((row) => [row.action, row.actor])).toEqual([
      ['api_token.created', 'maya'],
      ['api_token.revoked', 'maya'],
    ]);
  });

  it('refuses a token with an unknown scope or person, saying why', async () => {
    const maya = await web.signIn('maya');
    const scope = await request(web.server)
      .post('/system/tokens')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf, name: 'bad', owner: 'service', scopes: 'posts:wrote' })
      .expect(400);
    expect(scope.text).toContain('unknown scope');
    const person = await request(web.server)
      .post('/system/tokens')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf, name: 'bad', owner: 'person:ghost' })
      .expect(400);
    expect(person.text).toContain('no person');
  });

  it('shows the errors of the last rejected reload, escaped, while the revision in force stays', async () => {
    const config = web.app.get(ConfigService);
    const before = config.loaded.revisionHash;
    // The app was started with the workspace's config but a default path; point its reloads at the workspace.
    const path = join(web.workspace.dir, 'metronome.yaml');
    Reflect.set(config, 'configPath', path);
    // An unknown top-level key (the loader's issue names it, hostile text and all), and a plugin that fails to
    // load with a hostile message: a plugin failure refuses the whole configuration, so this is where it shows.
    mkdirSync(join(web.workspace.dir, 'broken-plugin'), { recursive: true });
    writeFileSync(
      join(web.workspace.dir, 'broken-plugin', 'index.js'),
      `throw new Error(${JSON.stringify(`${HOSTILE_PLUGIN} ${'p'.repeat(10_000)}`)});\n`,
    );
    writeFileSync(
      path,
      `${WEB_YAML.replace('web: { secureCookies: false }', 'web: { secureCookies: false }\nplugins: [{ path: broken-plugin }]')}` +
        `\nbogus_zzz: 1\n"${HOSTILE_KEY}": 2\n`,
    );
    const result = await config.reload('test edit');
    expect(result.ok).toBe(false);
    const maya = await web.signIn('maya');
    const page = await request(web.server).get('/system').set('Cookie', maya.cookie).expect(200);
    expect(page.text).toContain('A reload (test edit)');
    expect(page.text).toContain('bogus_zzz');
    expect(page.text).not.toContain('<script>alert(2)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(page.text).toContain('plugin &quot;broken-plugin&quot;: cannot load');
    expect(page.text).not.toContain('<script>alert(3)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(page.text).toContain('p'.repeat(10_000));
    expect(page.text).not.toContain('\u202E');
    expect(page.text).toContain(before.slice(0, 12));
    expect(config.loaded.revisionHash).toBe(before);
    // Fixed: the next accepted reload clears it.
    writeFileSync(path, WEB_YAML);
    expect((await config.reload('fixed')).ok).toBe(true);
    const fixed = await request(web.server).get('/system').set('Cookie', maya.cookie).expect(200);
    expect(fixed.text).toContain('None since this server started');
    expect(fixed.text).not.toContain('bogus_zzz');
  });

  it('counts web sessions per person and signs one out everywhere', async () => {
    const first = await web.signIn('ed');
    const second = await web.signIn('ed');
    const maya = await web.signIn('maya');
    const page = await request(web.server).get('/system').set('Cookie', maya.cookie).expect(200);
    const edRow = /<th scope="row">Ed Editor[\s\S]*?<\/tr>/.exec(page.text)![0];
    expect(edRow).toContain('<td>2</td>');
    await request(web.server)
      .post('/system/sessions/ed/end')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf })
      .expect(303)
      .expect('Location', '/system#sessions');
    await request(web.server).get('/').set('Cookie', first.cookie).expect(303);
    await request(web.server).get('/').set('Cookie', second.cookie).expect(303);
    await request(web.server).get('/').set('Cookie', maya.cookie).expect(200);
    const audit = await web.dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ action: 'web_sessions.ended', subjectId: 'ed' });
    expect(audit.actor).toBe('maya');
    expect(audit.data.sessions).toBe(2);
  });
});
