import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataSource } from '../../src/persistence/data-source.factory';
import { jpeg, mp4 } from '../content/media-headers';
import { FacebookGraphFake } from '../fakes/facebook-graph.fake';
import { InstagramGraphFake } from '../fakes/instagram-graph.fake';
import { LinkedInApiFake } from '../fakes/linkedin-api.fake';
import { ThreadsApiFake } from '../fakes/threads-api.fake';

/**
 * Issue 15's "done when", as a user runs it: the built CLI and a real `metronome start` server on a loopback
 * publicUrl, a brand with LinkedIn, Facebook, Instagram and Threads channels pointing at the four contract fakes.
 * Each channel is connected through the real OAuth flow (the fakes' consent pages redirect to the server's
 * /oauth/callback); then a simulated month: posts (a carousel and a reel through containers), comments read and
 * answered, metrics, an expired token renewed by refresh, a revoked one brought back by connecting again.
 */
jest.setTimeout(180_000);

const REPO = join(__dirname, '..', '..');
const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');
const STEP_MS = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** "YYYY-MM-DD HH:MM" in UTC (the brand's zone): this minute, so the post is due at once. */
const thisMinute = () => new Date().toISOString().slice(0, 16).replace('T', ' ');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Each post's text, unique, so the fakes can be asked how many times it arrived. */
const TEXT = {
  linkedin: 'Northwind on LinkedIn: the winter menu is out.',
  facebook: 'Northwind on Facebook: read about the winter menu.',
  carousel: 'Northwind on Instagram: two photos of the new beans.',
  reel: 'Northwind on Instagram: the roast in six seconds.',
  threads: 'Northwind on Threads: who wants a winter cup?',
  linkedinAgain: 'Northwind on LinkedIn, a month on: the spring menu is coming.',
  threadsAgain: 'Northwind on Threads, back after reconnecting.',
};

describe('four OAuth networks, one simulated month (built CLI, real server, contract fakes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-month-'));
  const configPath = join(dir, 'metronome.yaml');
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}`,
    LOG_LEVEL: 'warn',
    METRONOME_SECRET_KEY: randomBytes(32).toString('base64'),
  };
  let linkedin: LinkedInApiFake;
  let facebook: FacebookGraphFake;
  let instagram: InstagramGraphFake;
  let threads: ThreadsApiFake;
  let server: ChildProcess | undefined;
  let serverOutput = '';
  let publicUrl = '';

  /**
   * The built CLI, run without blocking: the fakes live in this process, so a command that calls them (inbox,
   * metrics, the server meanwhile) needs this event loop free.
   */
  const cli = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args, '--config', configPath], { cwd: dir, env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const json = async <T>(...args: string[]): Promise<T> =>
    JSON.parse((await cli(...args, '--json')).stdout) as T;
  const posts = () => json<Array<{ title: string; state: string; reason?: string }>>('posts', 'list');
  const channelStatus = async (key: string) =>
    new RegExp(`northwind/${key} +\\S+ +(\\S+)`).exec((await cli('channels', 'list')).stdout)?.[1];

  /** Polls `check` until it answers true, or fails naming what was awaited, with the server's output. */
  async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
    const deadline = Date.now() + STEP_MS;
    while (!(await check())) {
      if (Date.now() > deadline || server?.exitCode !== null) {
        throw new Error(
          `${what}: not within ${STEP_MS / 1000} s\nposts: ${JSON.stringify(await posts())}\nserver:\n${serverOutput}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function waitPublished(title: string): Promise<void> {
    await waitFor(`"${title}" published`, async () => {
      const post = (await posts()).find((entry) => entry.title === title);
      if (post && ['failed', 'missed'].includes(post.state)) {
        throw new Error(`"${title}" is ${post.state}: ${post.reason ?? ''}\nserver:\n${serverOutput}`);
      }
      return post?.state === 'published';
    });
  }

  /**
   * `channels connect <brand>/<key>` as a person runs it: reads the consent link it prints, "allows" by fetching it
   * (the fake's consent page redirects to `<publicUrl>/oauth/callback`), follows the redirect to the running
   * server, and answers the CLI's whole output once it ended.
   */
  async function connect(key: string): Promise<Run & { callbackStatus: number }> {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'channels',
        'connect',
        `northwind/${key}`,
        '--as',
        'ines',
        '--timeout',
        '60s',
        '--config',
        configPath,
      ],
      { cwd: dir, env },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise<number | null>((resolve) => child.on('close', resolve));
    let link: string | undefined;
    const deadline = Date.now() + 30_000;
    while (!link) {
      link = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/\S+)$/m.exec(stdout)?.[1];
      if (!link && (Date.now() > deadline || child.exitCode !== null)) {
        child.kill();
        throw new Error(`no consent link from channels connect ${key}:\n${stdout}\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const consent = await fetch(link, { redirect: 'manual' });
    const location = consent.headers.get('location') ?? '';
    expect({ key, status: consent.status, to: location.split('?')[0] }).toEqual({
      key,
      status: 302,
      to: `${publicUrl}/oauth/callback`,
    });
    const callback = await fetch(location);
    await callback.text();
    const code = await ended;
    return { code, stdout, stderr, callbackStatus: callback.status };
  }

  function writePost(
    name: string,
    front: { title: string; channels: string[]; media?: string[]; link?: string },
    text: string,
  ): void {
    writeFileSync(
      join(dir, 'content', `${name}.md`),
      [
        '---',
        `title: ${front.title}`,
        `channels: [${front.channels.join(', ')}]`,
        `publish: ${thisMinute()}`,
        ...(front.media
          ? ['media:', ...front.media.map((path) => `  - { path: ${path}, alt: A photo }`)]
          : []),
        ...(front.link ? ['overrides:', `  facebook: { extra: { link: "${front.link}" } }`] : []),
        '---',
        text,
        '',
      ].join('\n'),
    );
  }

  beforeAll(async () => {
    [linkedin, facebook, instagram, threads] = await Promise.all([
      new LinkedInApiFake().start(),
      new FacebookGraphFake().start(),
      new InstagramGraphFake({ videoPollsUntilFinished: 1 }).start(),
      new ThreadsApiFake().start(),
    ]);
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    mkdirSync(join(dir, 'content'));
    writeFileSync(join(dir, 'content', 'beans-1.jpg'), jpeg(1080, 1080));
    writeFileSync(join(dir, 'content', 'beans-2.jpg'), jpeg(1080, 1350));
    writeFileSync(join(dir, 'content', 'roast.mp4'), mp4({ seconds: 6, width: 1080, height: 1920 }));
    // As config/examples/agency.yaml has it: the app secrets come from the environment, never the file.
    Object.assign(env, {
      LINKEDIN_CLIENT_SECRET: linkedin.clientSecret,
      META_APP_SECRET: facebook.appSecret,
      INSTAGRAM_APP_SECRET: instagram.clientSecret,
      THREADS_APP_SECRET: threads.clientSecret,
    });
    writeFileSync(
      configPath,
      [
        'organisation: { name: Month test, timezone: UTC, publicUrl: "' + publicUrl + '" }',
        'people: { ines: { name: Ines } }',
        'publishing: { missedGrace: 1h }',
        'brands:',
        '  northwind:',
        '    name: Northwind',
        '    timezone: UTC',
        '    owner: ines',
        '    content: { folder: content }',
        '    channels:',
        '      linkedin:',
        '        connector: linkedin',
        `        options: { apiUrl: "${linkedin.baseUrl}", oauthUrl: "${linkedin.baseUrl}", clientId: ${linkedin.clientId}, clientSecret: "\${env:LINKEDIN_CLIENT_SECRET}" }`,
        '      facebook:',
        '        connector: facebook',
        `        options: { graphBaseUrl: "${facebook.baseUrl}", loginBaseUrl: "${facebook.baseUrl}", clientId: "${facebook.appId}", clientSecret: "\${env:META_APP_SECRET}" }`,
        '      instagram:',
        '        connector: instagram',
        `        options: { apiBaseUrl: "${instagram.url}", authBaseUrl: "${instagram.url}", tokenBaseUrl: "${instagram.url}", clientId: ${instagram.clientId}, clientSecret: "\${env:INSTAGRAM_APP_SECRET}" }`,
        '      threads:',
        '        connector: threads',
        `        options: { apiBaseUrl: "${threads.baseUrl}", authorizationUrl: "${threads.baseUrl}/oauth/authorize", clientId: "${threads.clientId}", clientSecret: "\${env:THREADS_APP_SECRET}" }`,
        '',
      ].join('\n'),
    );
    expect(await cli('validate')).toMatchObject({ code: 0 });
    expect(await cli('migrate')).toMatchObject({ code: 0 });
    expect(await cli('plan', 'sync')).toMatchObject({ code: 0 });
    server = spawn(process.execPath, [CLI, 'start', '--port', String(port), '--config', configPath], {
      cwd: dir,
      env,
    });
    server.stdout?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
    await waitFor('the server is ready', () => serverOutput.includes('Metronome ready'));
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await Promise.all([linkedin?.stop(), facebook?.stop(), instagram?.stop(), threads?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects linkedin, facebook, instagram and threads through their consent pages and the server callback', async () => {
    for (const key of ['linkedin', 'facebook', 'instagram', 'threads']) {
      const run = await connect(key);
      expect({ key, code: run.code, callback: run.callbackStatus, stderr: run.stderr }).toEqual({
        key,
        code: 0,
        callback: 200,
        stderr: '',
      });
      expect(run.stdout).toMatch(new RegExp(`^Connected northwind/${key} to `, 'm'));
    }
    expect(await Promise.all(['linkedin', 'facebook', 'instagram', 'threads'].map(channelStatus))).toEqual([
      'active',
      'active',
      'active',
      'active',
    ]);
    // The list shows whether each account is connected and until when (never a token).
    const list = (await cli('channels', 'list')).stdout;
    expect(list).toMatch(/northwind\/linkedin +linkedin +active +connected, expires \d{4}-\d{2}-\d{2}/);
    expect(list).toMatch(/northwind\/facebook +facebook +active +connected\n/);
  });

  it('publishes a LinkedIn text post, a Facebook link post, an Instagram carousel and reel and a Threads post, each exactly once on its fake', async () => {
    writePost('linkedin-1', { title: 'LinkedIn hello', channels: ['linkedin'] }, TEXT.linkedin);
    writePost(
      'facebook-1',
      { title: 'Facebook link', channels: ['facebook'], link: 'https://northwind.example/winter' },
      TEXT.facebook,
    );
    writePost(
      'instagram-carousel',
      { title: 'Instagram carousel', channels: ['instagram'], media: ['beans-1.jpg', 'beans-2.jpg'] },
      TEXT.carousel,
    );
    writePost(
      'instagram-reel',
      { title: 'Instagram reel', channels: ['instagram'], media: ['roast.mp4'] },
      TEXT.reel,
    );
    writePost('threads-1', { title: 'Threads hello', channels: ['threads'] }, TEXT.threads);
    const sync = await cli('plan', 'sync');
    expect({ code: sync.code, stderr: sync.stderr }).toEqual({ code: 0, stderr: '' });
    for (const title of [
      'LinkedIn hello',
      'Facebook link',
      'Instagram carousel',
      'Instagram reel',
      'Threads hello',
    ]) {
      await waitPublished(title);
    }
    expect(linkedin.postsWithText(TEXT.linkedin)).toBe(1);
    const [facebookPost, ...moreFacebook] = facebook.postsWithMessage(TEXT.facebook);
    expect({ more: moreFacebook.length, link: facebookPost?.link }).toEqual({
      more: 0,
      link: 'https://northwind.example/winter',
    });
    const carousel = instagram.mediaWithCaption(TEXT.carousel);
    expect(carousel.map((media) => [media.kind, media.children])).toEqual([['CAROUSEL', 2]]);
    expect(instagram.mediaWithCaption(TEXT.reel).map((media) => media.kind)).toEqual(['REELS']);
    // Through containers, each made once: two carousel items, the carousel, the reel; two media_publish calls.
    expect({
      containers: instagram.counters.containersCreated,
      publishes: instagram.counters.publishes,
    }).toEqual({
      containers: 4,
      publishes: 2,
    });
    expect(threads.postsWithText(TEXT.threads)).toBe(1);
  });

  it('reads comments from LinkedIn, Facebook and Threads with `inbox poll`, and answers the Facebook one once with `inbox reply`', async () => {
    const linkedinPost = linkedin.posts().find((post) => post.commentary === TEXT.linkedin)!;
    linkedin.addComment(linkedinPost.id, 'urn:li:person:reader1', 'Is oat milk on the winter menu?');
    const facebookPost = facebook.postsWithMessage(TEXT.facebook)[0];
    const facebookComment = facebook.comment(facebookPost.id, 'Do you ship to Leeds?');
    const threadsPost = threads.posts().find((media) => media.text === TEXT.threads)!;
    threads.replyFromOther(threadsPost.id, 'coffee.fan', 'Me, a flat white please');

    const poll = await cli('inbox', 'poll');
    expect({ code: poll.code, stdout: poll.stdout, stderr: poll.stderr }).toMatchObject({
      code: 0,
      // The server's own inbox round (every 2 minutes) may have read some first: the list below is the judge.
      stdout: expect.stringMatching(/^4 channels read: \d+ new items?, /),
    });
    const items = await json<Array<{ id: string; channel: string; text: string; state: string }>>(
      'inbox',
      'list',
    );
    expect(items.map((item) => [item.channel, item.text]).sort()).toEqual([
      ['facebook', 'Do you ship to Leeds?'],
      ['linkedin', 'Is oat milk on the winter menu?'],
      ['threads', 'Me, a flat white please'],
    ]);

    const question = items.find((item) => item.channel === 'facebook')!;
    const reply = await cli(
      'inbox',
      'reply',
      question.id,
      '--text',
      'Yes, anywhere in the UK.',
      '--as',
      'ines',
    );
    expect({ code: reply.code, stderr: reply.stderr }).toEqual({ code: 0, stderr: '' });
    const answers = [...facebook.comments.values()].filter(
      (comment) => comment.parentId === facebookComment.id,
    );
    expect(answers.map((answer) => answer.message)).toEqual(['Yes, anywhere in the UK.']);
    expect(await json<Array<{ id: string; state: string }>>('inbox', 'list', '--state', 'answered')).toEqual([
      expect.objectContaining({ id: question.id, state: 'answered' }),
    ]);
  });

  it("collects metrics with `metrics collect`: each channel's followers as its fake reports them", async () => {
    linkedin.followers = 4321;
    facebook.insights.page_follows = 2718;
    // The server's scheduler may have collected yesterday already: --day collects it again, replacing its figures.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const collect = await cli('metrics', 'collect', '--day', yesterday);
    expect({ code: collect.code, stderr: collect.stderr }).toEqual({ code: 0, stderr: '' });
    for (const key of ['linkedin', 'facebook', 'instagram', 'threads']) {
      expect(collect.stdout).toContain(`collected northwind/${key} ${yesterday}`);
    }
    const database = await openDataSource({ dialect: 'sqlite', path: join(dir, 'metronome.db') });
    try {
      const rows = await database.query<Array<{ channel: string; metrics: string }>>(
        `SELECT c.key AS channel, s.metrics AS metrics FROM metric_snapshots s JOIN channels c ON c.id = s.channel_id
         WHERE s.scope_key = 'channel' AND s.day = ? ORDER BY c.key`,
        [yesterday],
      );
      expect(
        rows.map((row) => [row.channel, (JSON.parse(row.metrics) as { followers?: number }).followers]),
      ).toEqual([
        ['facebook', 2718],
        ['instagram', 1234],
        ['linkedin', 4321],
        ['threads', 1234],
      ]);
    } finally {
      await database.destroy();
    }
  });

  it('renews an expired LinkedIn token with exactly one refresh at its token endpoint, and publishes the next post once', async () => {
    const refreshesBefore = linkedin.counts.refreshes;
    linkedin.expireAccessTokens();
    writePost('linkedin-2', { title: 'LinkedIn after expiry', channels: ['linkedin'] }, TEXT.linkedinAgain);
    expect(await cli('plan', 'sync')).toMatchObject({ code: 0 });
    await waitPublished('LinkedIn after expiry');
    expect(linkedin.postsWithText(TEXT.linkedinAgain)).toBe(1);
    expect(linkedin.counts.refreshes - refreshesBefore).toBe(1);
    expect(await channelStatus('linkedin')).toBe('active');
  });

  it('a revoked Threads grant leaves the channel needs_reconnect with one incident; `channels connect` again publishes the waiting post once', async () => {
    threads.revokeAll();
    writePost('threads-2', { title: 'Threads after revoke', channels: ['threads'] }, TEXT.threadsAgain);
    expect(await cli('plan', 'sync')).toMatchObject({ code: 0 });
    await waitFor(
      'northwind/threads needs_reconnect',
      async () => (await channelStatus('threads')) === 'needs_reconnect',
    );
    const incidents = (await cli('incidents', 'list')).stdout
      .split('\n')
      .filter((line) => /^[0-9a-f]{6,} /.test(line));
    expect(incidents).toEqual([
      expect.stringMatching(
        / open +critical +Northwind: threads refused the credentials of channel threads$/,
      ),
    ]);
    expect(threads.postsWithText(TEXT.threadsAgain)).toBe(0);

    const again = await connect('threads');
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    await waitPublished('Threads after revoke');
    expect(threads.postsWithText(TEXT.threadsAgain)).toBe(1);
    expect(await channelStatus('threads')).toBe('active');
    expect((await cli('incidents', 'list')).stdout).toBe('no open incidents\n');
  });
});
