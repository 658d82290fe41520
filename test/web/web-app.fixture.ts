import type { INestApplication } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { loadConfiguration } from '../../src/config/config.loader';
import { SignInLinks } from '../../src/web/sign-in/sign-in-links';
import { createContentWorkspace, type ContentWorkspace } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/**
 * Two brands and the people in their cycle, for the web app's tests:
 * - maya: organisation admin, owner of acme, signs off acme's posts;
 * - theo: copy review on acme, owner of beta;
 * - cleo: acme's client (viewer); rosa: community manager on acme; ed: editor on acme; nobody: no role.
 */
export const WEB_YAML = `
organisation: { name: Test Agency, timezone: Europe/London, publicUrl: "http://127.0.0.1:3999" }
web: { secureCookies: false }
people:
  maya: { name: Maya Admin, email: maya@example.com, admin: true }
  theo: { name: Theo Writer, email: theo@example.com }
  cleo: { name: Cleo Client, email: cleo@client.example }
  rosa: { name: Rosa Community, email: rosa@example.com }
  ed: { name: Ed Editor, email: ed@example.com }
  nobody: { name: No Body, email: nobody@example.com }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    roles: { cleo: client, rosa: community, ed: editor }
    channels:
      social:
        connector: sandbox
        options: { handle: acme }
        cadence: { postsPerWeek: 3, windows: ["Mon,Wed,Fri 09:00-10:00"] }
        approval: standard
    campaigns:
      winter: { name: Winter blend }
    themes: [brewing, roastery]
    approvals:
      standard:
        steps:
          - { name: copy review, approvers: [theo], dueBefore: 48h }
          - { name: sign-off, approvers: [maya], dueBefore: 24h }
  beta:
    name: Beta Bikes
    timezone: America/New_York
    owner: theo
    content: { folder: content-beta }
    channels:
      social: { connector: sandbox, options: { handle: beta } }
`;

export interface SignedIn {
  /** The Cookie header of the session. */
  cookie: string;
  /** The session's CSRF token, for forms (`_csrf`) and htmx (`X-CSRF-Token`). */
  csrf: string;
}

export interface WebApp {
  app: INestApplication;
  server: ReturnType<INestApplication['getHttpServer']>;
  dataSource: DataSource;
  workspace: ContentWorkspace;
  /** Signs `person` in the way a browser does (a sign-in link, used), and returns the session. */
  signIn(person: string): Promise<SignedIn>;
  close(): Promise<void>;
}

/**
 * The api role on a fresh database with the given config (default WEB_YAML) and content; `prepare` writes
 * files into the workspace folder before the config loads (e.g. a `content-beta` folder).
 */
export async function startWebApp(
  options: { yaml?: string; prepare?: (dir: string) => void; files?: Record<string, string> } = {},
): Promise<WebApp> {
  const database: TestDatabase = await createTestDatabase();
  const dataSource = await database.openMigrated();
  const workspace = await createContentWorkspace(dataSource, options.yaml ?? WEB_YAML, (dir) => {
    mkdirSync(join(dir, 'content-beta'), { recursive: true });
    options.prepare?.(dir);
  });
  for (const [path, text] of Object.entries(options.files ?? {})) {
    workspace.write(path, text);
  }
  await workspace.sync.syncAll(workspace.loaded);
  const loaded = await loadConfiguration(join(workspace.dir, 'metronome.yaml'), { env: {} });
  if (!loaded.ok) {
    throw new Error(JSON.stringify(loaded.issues));
  }
  const runtime = runtimeOptions(
    {
      DATABASE_URL: database.url.dialect === 'sqlite' ? `sqlite:${database.url.path}` : inSchema(database),
      LOG_LEVEL: 'silent',
    },
    { role: 'api', port: '0' },
  );
  const app = await createApp(runtime, loaded.loaded);
  await app.init();
  const server = app.getHttpServer();
  return {
    app,
    server,
    dataSource,
    workspace,
    async signIn(person) {
      const link = new URL(await app.get(SignInLinks).create(person));
      const token = link.searchParams.get('token')!;
      const used = await request(server).post('/sign-in/link').type('form').send({ token }).expect(303);
      const cookie = String(used.headers['set-cookie']).split(';')[0];
      const page = await request(server).get('/').set('Cookie', cookie).expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
      if (!csrf) {
        throw new Error('the signed-in page carries no CSRF token');
      }
      return { cookie, csrf };
    },
    async close() {
      await app.close();
      await dataSource.destroy();
      await database.dispose();
    },
  };
}

/** The test's own Postgres schema for the app's connections (pg passes `options` to the server). */
export function inSchema(database: TestDatabase): string {
  const url = database.url as { url: string };
  const separator = url.url.includes('?') ? '&' : '?';
  return `${url.url}${separator}options=${encodeURIComponent(`-c search_path=${database.schema}`)}`;
}
