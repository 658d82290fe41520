import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../../src/persistence/data-source.factory';
import { parseDatabaseUrl } from '../../src/persistence/database-url';
import { MastodonApiFake } from '../fakes/mastodon-api.fake';
import { CLI, killRunningWorkers, within, WorkerProcess } from './chaos-worker.process';

/**
 * Renewing a channel's refused credentials while Metronome runs as separate OS processes (an api process and a
 * worker process on one SQLite file (the same code runs on Postgres; the processes, not the engine, are the point here), the built CLI beside them), against MastodonApiFake (a contract fake of the
 * Mastodon REST API that accepts one bearer token). The token comes from a `${file:…}` secret.
 */
jest.setTimeout(300_000);

const REVOKED = 'revoked-token';
const STEP_MS = 90_000;

/** "YYYY-MM-DD HH:MM" in UTC (the brand's zone): this minute, due at once. */
const thisMinute = () => new Date().toISOString().slice(0, 16).replace('T', ' ');

function postFile(title: string, channel: string, body: string): string {
  return [
    '---',
    `title: ${title}`,
    'campaign: launch',
    `channels: [${channel}]`,
    `publish: ${thisMinute()}`,
    '---',
    body,
    '',
  ].join('\n');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('renewing refused credentials reaches every running process (api + worker, separate processes)', () => {
  const social = new MastodonApiFake();
  const forum = new MastodonApiFake();
  let dir: string;
  let databaseUrl: string;
  let dataSource: DataSource;
  let apiPort: number;
  let apiToken: string;

  const cli = async (args: string[]) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, ...args, '--config', join(dir, 'metronome.yaml')],
      {
        cwd: dir,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      },
    );
    return stdout;
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const one = async <T>(sql: string, parameters: unknown[] = []): Promise<T> =>
    (await dataSource.query<T[]>(sql, parameters))[0];
  const variantOf = (file: string) =>
    one<{
      state: string;
      text: string;
      last_error: string | null;
      post_state: string;
      reason: string | null;
    }>(
      `SELECT v.state, v.text, v.last_error, p.state AS post_state, p.state_reason AS reason FROM post_variants v JOIN posts p ON p.id = v.post_id WHERE p.source_path = ?`,
      [file],
    );
  const channel = (key: string) =>
    one<{ id: string; status: string }>(`SELECT id, status FROM channels WHERE key = '${key}'`);
  const credentialIncidents = async (key: string) =>
    dataSource.query<Array<{ state: string }>>(
      `SELECT state FROM incidents WHERE rule = 'channel-credentials' AND subject_key = ?`,
      [`channel:${(await channel(key)).id}`],
    );
  /** Polls until `done`, failing with what it waited for; the deadline only bounds a hang. */
  const until = async (what: string, done: () => Promise<boolean>) => {
    const deadline = Date.now() + STEP_MS;
    while (!(await done())) {
      if (Date.now() > deadline) {
        throw new Error(`waited ${STEP_MS / 1000} s for ${what}; see the logs in ${dir}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  beforeAll(async () => {
    await social.start();
    await forum.start();
    dir = mkdtempSync(join(tmpdir(), 'metronome-reconnect-'));
    databaseUrl = `sqlite:${join(dir, 'metronome.db')}`;
    mkdirSync(join(dir, 'secrets'));
    mkdirSync(join(dir, 'content'));
    writeFileSync(join(dir, 'secrets', 'social.token'), `${REVOKED}\n`);
    writeFileSync(join(dir, 'secrets', 'forum.token'), `${REVOKED}\n`);
    const mastodon = (fake: MastodonApiFake, secret: string) =>
      `{ connector: mastodon, options: { instance: "${fake.baseUrl}", accessToken: "\${file:secrets/${secret}}" } }`;
    writeFileSync(
      join(dir, 'metronome.yaml'),
      [
        'organisation: { name: Reconnect test }',
        'people: { ops: { name: Ops } }',
        'publishing: { missedGrace: 1h, reclaimAfter: 10s }',
        'brands:',
        '  shop:',
        '    name: Shop',
        '    timezone: UTC',
        '    owner: ops',
        '    content: { folder: content }',
        '    campaigns: { launch: { name: Launch } }',
        '    channels:',
        `      social: ${mastodon(social, 'social.token')}`,
        `      forum: ${mastodon(forum, 'forum.token')}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'content', 'hello.md'),
      postFile('Hello', 'social', 'Hello from the social channel.'),
    );
    writeFileSync(
      join(dir, 'content', 'kept.md'),
      postFile('Kept', 'forum', 'First words of the kept post.'),
    );
    writeFileSync(join(dir, 'content', 'dropped.md'), postFile('Dropped', 'forum', 'The dropped post.'));
    await cli(['migrate']);
    await cli(['plan', 'sync']);
    apiToken = (await cli(['token', 'create', '--name', 'ops-api', '--person', 'ops'])).trim();
    dataSource = await openDataSource(parseDatabaseUrl(databaseUrl));
    apiPort = await freePort();
    const start = (role: 'api' | 'worker', port = 0) =>
      new WorkerProcess({
        role,
        port,
        configPath: join(dir, 'metronome.yaml'),
        databaseUrl,
        cwd: dir,
        env: {},
        logPath: join(dir, `${role}.log`),
      });
    const processes = [start('api', apiPort), start('worker')];
    for (const started of processes) {
      expect(await within(started.ready, 60_000, 'a process ready line', started.logPath)).toBe(true);
    }
  });

  afterAll(async () => {
    await killRunningWorkers();
    await dataSource?.destroy();
    await social.stop();
    await forum.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the worker publishes with the secret renewed in its file after `metronome channels reconnect`, opening no second incident', async () => {
    await until(
      'shop/social to need reconnecting',
      async () => (await channel('social')).status === 'needs_reconnect',
    );
    await until('hello.md to wait', async () => (await variantOf('hello.md')).state === 'scheduled');
    expect(await credentialIncidents('social')).toEqual([{ state: 'open' }]);
    expect(social.accountStatuses()).toEqual([]);

    writeFileSync(join(dir, 'secrets', 'social.token'), `${social.token}\n`);
    expect(await cli(['channels', 'reconnect', 'shop/social', '--as', 'ops'])).toContain(
      'shop/social is active again',
    );

    await until('hello.md to be published', async () => {
      const variant = await variantOf('hello.md');
      if (
        variant.state === 'scheduled' &&
        /reconnected/.test(variant.last_error ?? '') &&
        (await channel('social')).status === 'needs_reconnect'
      ) {
        throw new Error(`refused again after reconnect: ${variant.last_error}`);
      }
      return variant.state === 'published';
    });
    expect(social.accountStatuses().map((status) => status.text)).toEqual(['Hello from the social channel.']);
    expect(await credentialIncidents('social')).toEqual([{ state: 'resolved' }]);
    expect((await channel('social')).status).toBe('active');
  });

  it('a post waiting for reconnect is scheduled in every view; its file edit applies, its file deletion cancels, and reconnect (API) publishes only what the files say', async () => {
    await until(
      'shop/forum to need reconnecting',
      async () => (await channel('forum')).status === 'needs_reconnect',
    );
    await until(
      'both forum posts to wait',
      async () =>
        (await variantOf('kept.md')).state === 'scheduled' &&
        (await variantOf('dropped.md')).state === 'scheduled',
    );
    // The post, not only its variant, is scheduled, with the reason.
    expect(await variantOf('kept.md')).toMatchObject({
      post_state: 'scheduled',
      reason: expect.stringContaining('waits for shop/forum to be reconnected'),
    });
    const listed = JSON.parse(await cli(['posts', 'list', '--state', 'scheduled', '--json'])) as Array<{
      file: string;
      reason: string | null;
    }>;
    expect(listed.map((post) => post.file)).toEqual(expect.arrayContaining(['dropped.md', 'kept.md']));
    const viaApi = await api('GET', '/api/v1/posts?state=scheduled');
    expect(viaApi.status).toBe(200);
    expect((viaApi.body as Array<{ file: string }>).map((post) => post.file)).toEqual(
      expect.arrayContaining(['dropped.md', 'kept.md']),
    );

    writeFileSync(
      join(dir, 'content', 'kept.md'),
      postFile('Kept', 'forum', 'Edited words of the kept post.'),
    );
    rmSync(join(dir, 'content', 'dropped.md'));
    const synced = await cli(['plan', 'sync']);
    expect(synced).not.toMatch(/already publishing/);
    expect(await variantOf('kept.md')).toMatchObject({
      state: 'scheduled',
      post_state: 'scheduled',
      text: 'Edited words of the kept post.',
    });
    expect(await variantOf('dropped.md')).toMatchObject({ state: 'cancelled', post_state: 'cancelled' });

    writeFileSync(join(dir, 'secrets', 'forum.token'), `${forum.token}\n`);
    const reconnected = await api('POST', '/api/v1/channels/shop/forum/reconnect', {});
    expect(reconnected).toMatchObject({ status: 201, body: { status: 'active', waiting: 1 } });

    await until('kept.md to be published', async () => (await variantOf('kept.md')).state === 'published');
    expect(forum.accountStatuses().map((status) => status.text)).toEqual(['Edited words of the kept post.']);
    expect(await variantOf('dropped.md')).toMatchObject({ state: 'cancelled', post_state: 'cancelled' });
    expect(await credentialIncidents('forum')).toEqual([{ state: 'resolved' }]);
  });
});
