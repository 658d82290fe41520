import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { ChannelCredentials } from '../../src/channels/channel-credentials';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { ConfigService } from '../../src/config/config.service';
import { OAuthAuthorizationEntity } from '../../src/oauth/oauth-authorization.entity';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { post } from '../content/content-workspace';
import { startWebApp, WEB_YAML, type WebApp } from './web-app.fixture';

const HOSTILE = `<script>alert(1)</script>\u202Egnp.exe ${'x'.repeat(10_000)}`;
const PLUGIN = resolve(__dirname, '../fixtures/oauth-connector');
const AUTHORIZE = 'https://auth.example.test/authorize';

/** WEB_YAML with the OAuth test connector as a second acme channel. */
const YAML = WEB_YAML.replace(
  'web: { secureCookies: false }',
  'web: { secureCookies: false }\nplugins: [{ path: oauth-connector }]',
).replace(
  '        approval: standard\n',
  `        approval: standard
      example:
        connector: oauth-test
        options:
          authorizationUrl: ${AUTHORIZE}
          tokenUrl: https://auth.example.test/token
          clientId: app-1
          clientSecret: s3cret
      video:
        connector: youtube
        options: { clientId: yt-app, clientSecret: yt-s3cret }
`,
);

describe('web app: Channels', () => {
  let web: WebApp;

  beforeAll(async () => {
    web = await startWebApp({
      yaml: YAML,
      prepare: (dir) => cpSync(PLUGIN, join(dir, 'oauth-connector'), { recursive: true }),
      files: { 'launch.md': post('title: Launch\nchannels: [social]\npublish: 2030-01-09 09:15') },
    });
  });

  afterAll(async () => {
    await web.close();
  });

  const channel = async (brand: string, key: string) =>
    (await web.app.get(ChannelRepository).byKey(brand, key))!;

  it('without a session, the page and its actions send the browser to sign-in', async () => {
    await request(web.server)
      .get('/channels')
      .expect(303)
      .expect('Location', /^\/sign-in/);
    await request(web.server).post('/brands/acme/channels/social/reconnect').expect(303);
  });

  it('shows each brand the person sees with its channels, and only those brands', async () => {
    const cleo = await web.signIn('cleo');
    const page = await request(web.server).get('/channels').set('Cookie', cleo.cookie).expect(200);
    expect(page.text).toContain('Acme Coffee');
    expect(page.text).toContain('sandbox');
    expect(page.text).toContain('oauth-test');
    expect(page.text).toContain('Not connected');
    expect(page.text).not.toContain('Beta Bikes');
    // A client may look, not act.
    expect(page.text).not.toContain('Connect account');
    const nobody = await web.signIn('nobody');
    await request(web.server).get('/channels').set('Cookie', nobody.cookie).expect(403);
  });

  it("shows a YouTube channel's quota for today (its connector's quotaStatus)", async () => {
    const cleo = await web.signIn('cleo');
    const page = await request(web.server).get('/channels').set('Cookie', cleo.cookie).expect(200);
    const row = /<th scope="row">video[\s\S]*?<\/tr>/.exec(page.text)![0];
    expect(row).toMatch(/Quota today: \d+ of \d+ API units left, \d+ of \d+ uploads; resets <time/);
  });

  it('shows the last publish with a link to the post, and a rate-limit wait', async () => {
    const social = await channel('acme', 'social');
    const variants = web.dataSource.getRepository(PostVariantEntity);
    const variant = await variants.findOneByOrFail({ channelId: social.id });
    await variants.update(
      { id: variant.id },
      { publishedAt: new Date('2026-11-03T09:15:00.000Z'), remoteUrl: 'javascript:alert(1)' },
    );
    const cleo = await web.signIn('cleo');
    let page = await request(web.server).get('/channels').set('Cookie', cleo.cookie).expect(200);
    expect(page.text).toContain(`href="/posts/${variant.postId}"`);
    expect(page.text).toContain('datetime="2026-11-03T09:15:00.000Z"');
    expect(page.text).not.toContain('javascript:alert(1)');
    await variants.update(
      { id: variant.id },
      {
        publishedAt: null,
        remoteUrl: null,
        state: 'scheduled',
        scheduledAt: new Date('2099-01-01T10:00:00.000Z'),
        lastError: 'Example rate limit on acme/social: waits until 2099-01-01T10:00:00.000Z',
      },
    );
    page = await request(web.server).get('/channels').set('Cookie', cleo.cookie).expect(200);
    expect(page.text).toContain('Rate limited: waits until <time datetime="2099-01-01T10:00:00.000Z"');
  });

  it('a refused channel shows why (escaped), and its owner reconnects it, audited as them', async () => {
    const social = await channel('acme', 'social');
    await web.app.get(ChannelCredentials).refused(social, HOSTILE, new Date());
    const cleo = await web.signIn('cleo');
    const page = await request(web.server).get('/channels').set('Cookie', cleo.cookie).expect(200);
    expect(page.text).toContain('Needs reconnect');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).not.toContain('\u202E');
    expect(page.text).toContain('x'.repeat(10_000));
    expect(page.text).not.toContain('>Reconnect<');
    // cleo (client) and theo (acme approver) may not reconnect; nobody sees no acme at all.
    for (const person of ['cleo', 'theo']) {
      const session = await web.signIn(person);
      await request(web.server)
        .post('/brands/acme/channels/social/reconnect')
        .set('Cookie', session.cookie)
        .type('form')
        .send({ _csrf: session.csrf })
        .expect(403);
    }
    const nobody = await web.signIn('nobody');
    await request(web.server)
      .post('/brands/acme/channels/social/reconnect')
      .set('Cookie', nobody.cookie)
      .type('form')
      .send({ _csrf: nobody.csrf })
      .expect(404);
    expect((await channel('acme', 'social')).status).toBe('needs_reconnect');
    const maya = await web.signIn('maya');
    const owner = await request(web.server).get('/channels').set('Cookie', maya.cookie).expect(200);
    expect(owner.text).toContain('action="/brands/acme/channels/social/reconnect"');
    const done = await request(web.server)
      .post('/brands/acme/channels/social/reconnect')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf })
      .expect(303);
    expect(done.headers.location).toBe('/channels?done=acme%2Fsocial#brand-acme');
    expect((await channel('acme', 'social')).status).toBe('active');
    const audit = await web.dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ action: 'channel.reconnected', subjectId: social.id });
    expect(audit.actor).toBe('maya');
    // An active channel has nothing to reconnect: a 400 page, not a 500.
    const again = await request(web.server)
      .post('/brands/acme/channels/social/reconnect')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf })
      .expect(400);
    expect(again.text).toContain('nothing to reconnect');
  });

  it('"Connect account" starts the OAuth flow with the server callback and redirects to the consent page', async () => {
    const maya = await web.signIn('maya');
    const page = await request(web.server).get('/channels').set('Cookie', maya.cookie).expect(200);
    expect(page.text).toContain('action="/brands/acme/channels/example/connect"');
    const answer = await request(web.server)
      .post('/brands/acme/channels/example/connect')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf })
      .expect(303);
    const consent = new URL(answer.headers.location);
    expect(`${consent.origin}${consent.pathname}`).toBe(AUTHORIZE);
    expect(consent.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:3999/oauth/callback');
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    const pending = await web.dataSource
      .getRepository(OAuthAuthorizationEntity)
      .findOneByOrFail({ state: consent.searchParams.get('state')! });
    expect(pending.requestedBy).toBe('maya');
    expect(pending.redirectUri).toBe('http://127.0.0.1:3999/oauth/callback');
    // Not for a connector without OAuth, nor for a person without the channels permission.
    await request(web.server)
      .post('/brands/acme/channels/social/connect')
      .set('Cookie', maya.cookie)
      .type('form')
      .send({ _csrf: maya.csrf })
      .expect((res) => expect(res.status).toBeGreaterThanOrEqual(400));
    const ed = await web.signIn('ed');
    await request(web.server)
      .post('/brands/acme/channels/example/connect')
      .set('Cookie', ed.cookie)
      .type('form')
      .send({ _csrf: ed.csrf })
      .expect(403);
  });

  it('without organisation.publicUrl, the page says to set it or use the CLI, and connect is refused', async () => {
    // The config in force, changed in place for this test only (a reload would do the same).
    const organisation = web.app.get(ConfigService).loaded.config.organisation;
    const publicUrl = organisation.publicUrl;
    organisation.publicUrl = undefined;
    try {
      const maya = await web.signIn('maya');
      const page = await request(web.server).get('/channels').set('Cookie', maya.cookie).expect(200);
      expect(page.text).toContain('organisation.publicUrl');
      expect(page.text).toContain('metronome channels connect acme/example');
      expect(page.text).not.toContain('action="/brands/acme/channels/example/connect"');
      const refused = await request(web.server)
        .post('/brands/acme/channels/example/connect')
        .set('Cookie', maya.cookie)
        .type('form')
        .send({ _csrf: maya.csrf })
        .expect(400);
      expect(refused.text).toContain('organisation.publicUrl');
    } finally {
      organisation.publicUrl = publicUrl;
    }
  });
});
