import type { INestApplication } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { FakeClock } from '../../src/clock/fake.clock';
import { loadConfiguration } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { DataSource } from 'typeorm';
import { WebLinkService } from '../../src/web/session/web-link.service';
import { WebSessionService } from '../../src/web/session/web-session.service';
import { SignInLinks } from '../../src/web/sign-in/sign-in-links';
import { WebPruneJob } from '../../src/web/sign-in/web-prune.job';
import { createContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { WEB_YAML, inSchema } from './web-app.fixture';

const MINUTE = 60_000;

/** Sessions end after 30 minutes without a request, and 2 hours after sign-in. */
const YAML = WEB_YAML.replace(
  'web: { secureCookies: false }',
  'web: { secureCookies: false, sessionIdle: 30m, sessionLifetime: 2h }',
);

/**
 * The fixture's app, but started with its config file's path (so a reload reads the edited file) and with
 * the app's Clock (the SYSTEM_CLOCK instance every service is given) driven by a FakeClock.
 */
describe('web app: sessions end when idle, when too old, when their person leaves, and on a new sign-in', () => {
  const clock = new FakeClock(new Date());
  let database: TestDatabase;
  let app: INestApplication;
  let server: ReturnType<INestApplication['getHttpServer']>;
  let configFile: string;

  beforeAll(async () => {
    jest.spyOn(SYSTEM_CLOCK, 'now').mockImplementation(() => clock.now());
    database = await createTestDatabase();
    const dataSource = await database.openMigrated();
    const workspace = await createContentWorkspace(dataSource, YAML, (dir) =>
      mkdirSync(join(dir, 'content-beta'), { recursive: true }),
    );
    await dataSource.destroy();
    configFile = join(workspace.dir, 'metronome.yaml');
    const loaded = await loadConfiguration(configFile, { env: {} });
    if (!loaded.ok) {
      throw new Error(JSON.stringify(loaded.issues));
    }
    const runtime = runtimeOptions(
      {
        DATABASE_URL: database.url.dialect === 'sqlite' ? `sqlite:${database.url.path}` : inSchema(database),
        LOG_LEVEL: 'silent',
      },
      { role: 'api', port: '0', config: configFile },
    );
    app = await createApp(runtime, loaded.loaded);
    await app.init();
    server = app.getHttpServer();
  });

  afterAll(async () => {
    await app.close();
    await database.dispose();
    jest.restoreAllMocks();
  });

  /** Signs in with a link, presenting `cookie` (an older session) if given; returns the new Cookie header. */
  async function signIn(person: string, cookie?: string): Promise<string> {
    const token = new URL(await app.get(SignInLinks).create(person)).searchParams.get('token')!;
    const used = request(server).post('/sign-in/link').type('form').send({ token });
    const answer = await (cookie ? used.set('Cookie', cookie) : used).expect(303);
    return String(answer.headers['set-cookie']).split(';')[0];
  }

  const signedIn = async (cookie: string) =>
    (await request(server).get('/').set('Cookie', cookie)).status === 200;

  it('a session without a request for longer than web.sessionIdle ends; requests keep it alive', async () => {
    const cookie = await signIn('theo');
    expect(await signedIn(cookie)).toBe(true);
    clock.advance(29 * MINUTE);
    expect(await signedIn(cookie)).toBe(true);
    clock.advance(29 * MINUTE);
    // 58 minutes after sign-in, but only 29 since the last request.
    expect(await signedIn(cookie)).toBe(true);
    clock.advance(31 * MINUTE);
    const refused = await request(server).get('/?view=week').set('Cookie', cookie).expect(303);
    expect(refused.headers.location).toBe('/sign-in?next=%2F%3Fview%3Dweek');
    // Ended for good: coming back within the idle time of "now" does not revive it.
    clock.advance(-10 * MINUTE);
    expect(await signedIn(cookie)).toBe(false);
    clock.advance(10 * MINUTE);
  });

  it('a session ends web.sessionLifetime after sign-in, however active', async () => {
    const cookie = await signIn('cleo');
    for (let minutes = 0; minutes < 115; minutes += 25) {
      expect(await signedIn(cookie)).toBe(true);
      clock.advance(25 * MINUTE);
    }
    // 125 minutes after sign-in, 25 since the last request.
    expect(await signedIn(cookie)).toBe(false);
  });

  it('a person removed from the configuration loses their session at the next request', async () => {
    const cookie = await signIn('ed');
    const other = await signIn('rosa');
    expect(await signedIn(cookie)).toBe(true);
    const without = YAML.replace('  ed: { name: Ed Editor, email: ed@example.com }\n', '').replace(
      ', ed: editor',
      '',
    );
    expect(without).not.toContain('ed@example.com');
    writeFileSync(configFile, without);
    const reloaded = await app.get(ConfigService).reload('test');
    expect(reloaded.ok).toBe(true);
    expect(await signedIn(cookie)).toBe(false);
    expect(await signedIn(other)).toBe(true);
    // Coming back to the configuration does not revive the session that ended.
    writeFileSync(configFile, YAML);
    expect((await app.get(ConfigService).reload('test')).ok).toBe(true);
    expect(await signedIn(cookie)).toBe(false);
  });

  it('signing in ends the session the browser presented (rotation): the old cookie is worth nothing after', async () => {
    const before = await signIn('maya');
    expect(await signedIn(before)).toBe(true);
    const after = await signIn('maya', before);
    expect(after).not.toBe(before);
    expect(await signedIn(before)).toBe(false);
    expect(await signedIn(after)).toBe(true);
    // A token planted in the browser by someone else (their own session) is ended by the victim's sign-in too.
    const planted = await signIn('nobody');
    const victim = await signIn('theo', planted);
    expect(await signedIn(planted)).toBe(false);
    const page = await request(server).get('/').set('Cookie', victim).expect(200);
    expect(page.text).toContain('Theo Writer');
  });

  it('the scheduler’s prune forgets sessions a day after their end and links a week after they expired', async () => {
    const data = app.get(DataSource);
    const count = async (table: string) =>
      Number((await data.query(`SELECT COUNT(*) AS n FROM "${table}"`))[0].n);
    const live = await signIn('theo');
    await app.get(SignInLinks).create('theo');
    expect(await count('web_sessions')).toBeGreaterThan(1);
    const prune = new WebPruneJob(app.get(WebSessionService), app.get(WebLinkService));
    await prune.run();
    // Nothing old enough yet: the live session and the fresh link stay.
    expect(await signedIn(live)).toBe(true);
    expect(await count('web_links')).toBeGreaterThan(0);
    clock.advance(2 * 3_600_000 + 25 * 3_600_000);
    await prune.run();
    expect(await count('web_sessions')).toBe(0);
    expect(await count('web_links')).toBeGreaterThan(0);
    clock.advance(7 * 86_400_000);
    await prune.run();
    expect(await count('web_links')).toBe(0);
  });
});
