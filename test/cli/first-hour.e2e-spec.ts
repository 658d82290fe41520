import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the built CLI exactly as a user would (npm test builds it first). */
// Each test spawns several CLI processes; on a loaded 2-core machine one takes seconds to start.
jest.setTimeout(180_000);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

/** The demo configuration and its content, copied so each test has a database and folder of its own. */
function demoWorkspace(): { dir: string; run: (...args: string[]) => CliResult } {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-first-hour-'));
  cpSync('config/metronome.yaml', join(dir, 'metronome.yaml'));
  cpSync('config/content', join(dir, 'content'), { recursive: true });
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}` };
  return {
    dir,
    run: (...args) => {
      const result = spawnSync(process.execPath, [CLI, ...args, '--config', join(dir, 'metronome.yaml')], {
        encoding: 'utf8',
        env,
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A connector plugin whose inbox is down and which has neither metrics nor a profile. */
function writeBrokenInboxPlugin(dir: string): void {
  mkdirSync(join(dir, 'broken-inbox'));
  writeFileSync(
    join(dir, 'broken-inbox', 'index.js'),
    `module.exports = (sdk) => sdk.defineConnector({
  kind: 'connector', name: 'broken-inbox', version: '1.0.0', sdk: '^1.0.0',
  capabilities: { publish: false, inbox: true },
  create: () => ({ fetchInbox: async () => { throw new Error('broken-inbox: 503 Service Unavailable'); } }),
});`,
  );
  mkdirSync(join(dir, 'publish-only'));
  writeFileSync(
    join(dir, 'publish-only', 'index.js'),
    `module.exports = (sdk) => sdk.defineConnector({
  kind: 'connector', name: 'publish-only', version: '1.0.0', sdk: '^1.0.0',
  capabilities: { publish: true },
  create: () => ({ publish: async () => ({ remoteId: 'x' }) }),
});`,
  );
}

describe('the first hour with the CLI (built CLI, demo config, real SQLite file)', () => {
  it('lists have a header row, show short ids and take a unique prefix back; an ambiguous one lists the candidates', () => {
    const { run } = demoWorkspace();
    expect(run('plan', 'sync').code).toBe(0);
    const list = run('posts', 'list');
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID +PUBLISHES +STATE +BRAND +CHANNELS +TITLE$/);
    expect(rows).toHaveLength(2);
    const ids = rows.map((row) => row.split(' ')[0]);
    // Both posts were imported in the same second: their time-ordered ids share the first 8 characters,
    // so the list shows as many as it takes to tell them apart.
    expect(ids[0].length).toBeGreaterThan(8);
    expect(ids[0].slice(0, 8)).toBe(ids[1].slice(0, 8));

    const ambiguous = run('approvals', 'approve', ids[0].slice(0, 8), '--as', 'theo');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`"${ids[0].slice(0, 8)}" could be 2 posts; give more characters:`);
    expect(ambiguous.stderr).toContain('Winter blend launch');
    expect(ambiguous.stderr).toContain('Brewing the winter blend on a V60');

    const approved = run('approvals', 'approve', ids[0], '--as', 'theo');
    expect(approved).toMatchObject({ code: 0, stderr: '' });
    expect(approved.stdout).toContain('approve at "copy review"');
    expect(run('approvals', 'approve', 'ffffffff', '--as', 'theo')).toMatchObject({
      code: 2,
      stderr: 'no post id starts with "ffffffff"\n',
    });

    const approvals = run('approvals', 'list');
    expect(approvals.stdout.split('\n')[0]).toMatch(/^POST +DUE +STEP +WAITING ON +PUBLISHES +BRAND +TITLE$/);
  });

  it('posts list | head: output into a closed pipe ends quietly', async () => {
    const { dir } = demoWorkspace();
    const child = spawn(process.execPath, [CLI, 'plan', 'sync', '--config', join(dir, 'metronome.yaml')], {
      env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the command writes anything, as `head -0` would.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('inbox poll and metrics collect say why nothing was read, and log lines stay out of the output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-reasons-'));
    writeBrokenInboxPlugin(dir);
    writeFileSync(
      join(dir, 'metronome.yaml'),
      `organisation: { name: Test }
people: { maya: { name: Maya } }
plugins: [{ path: broken-inbox }, { path: publish-only }]
brands:
  acme:
    name: Acme
    timezone: Europe/Paris
    owner: maya
    channels:
      comments: { connector: broken-inbox }
      news: { connector: publish-only }
`,
    );
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` };
    const run = (...args: string[]) => {
      const result = spawnSync(process.execPath, [CLI, ...args, '--config', join(dir, 'metronome.yaml')], {
        encoding: 'utf8',
        env,
      });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };

    const poll = run('inbox', 'poll');
    expect(poll.stdout).toBe(
      '1 channel read: 0 new items, 0 answered, 0 rule firings\n' +
        'FAILED    acme/comments: broken-inbox: 503 Service Unavailable\n' +
        'skipped   acme/news: its connector "publish-only" cannot read an inbox\n',
    );
    expect(poll.stderr).toContain('inbox of acme/comments could not be read');
    expect(poll.code).toBe(1);

    const metrics = run('metrics', 'collect');
    expect(metrics).toMatchObject({ code: 0, stderr: '' });
    expect(metrics.stdout).toBe(
      'nothing to collect: no channel offers metrics\n' +
        'skipped   acme/comments: its connector "broken-inbox" cannot report metrics\n' +
        'skipped   acme/news: its connector "publish-only" cannot report metrics\n',
    );
  });

  it('sandbox comment puts a comment into the demo inbox, the refund rule escalates it, and incidents list tells the truth about who was reached', () => {
    const { run } = demoWorkspace();
    expect(run('plan', 'sync').code).toBe(0);
    const comment = run(
      'sandbox',
      'comment',
      'demo/sandbox',
      'Can I get a refund for my order?',
      '--author',
      'sam.k',
    );
    expect(comment).toMatchObject({ code: 0, stderr: '' });
    // Nothing is published yet, so it is a mention of the account rather than a comment on a post.
    expect(comment.stdout).toMatch(/^mention from sam\.k on demo\/sandbox: the next inbox poll reads it/);

    const poll = run('inbox', 'poll');
    expect(poll.stdout).toBe('1 channel read: 1 new item, 0 answered, 1 rule firing\n');

    const inbox = run('inbox', 'list');
    expect(inbox.stdout.split('\n')[0]).toMatch(/^ID +RECEIVED +STATE +CHANNEL +FROM +TEXT$/);
    expect(inbox.stdout).toContain('sam.k');
    expect(inbox.stdout).toContain('Can I get a refund for my order?');

    // Nothing has been sent yet (the scheduler sends), and the list must not say anyone was notified.
    const incidents = run('incidents', 'list');
    expect(incidents.stdout).toContain('refund');
    expect(incidents.stdout).toMatch(
      /nobody notified yet: first notification due 2026-\d\d-\d\d \d\d:\d\d GMT/,
    );
    expect(incidents.stdout).not.toMatch(/reached|notified \d/);
  });

  it('incidents resolve takes a prefix and --comment, and the resolved list shows who resolved it and why', () => {
    const { run } = demoWorkspace();
    expect(run('plan', 'sync').code).toBe(0);
    run('sandbox', 'comment', 'demo/sandbox', 'I want a refund', '--author', 'li.wei');
    run('inbox', 'poll');
    const open = run('incidents', 'list');
    const [header, row] = open.stdout.split('\n');
    expect(header).toMatch(/^ID +OPENED +STATE +SEVERITY +TITLE$/);
    const id = row.split(' ')[0];
    expect(id).toHaveLength(8);
    const resolved = run('incidents', 'resolve', id, '--as', 'maya', '--comment', 'refunded by phone');
    expect(resolved).toMatchObject({ code: 0, stderr: '' });
    expect(resolved.stdout).toContain('resolved');
    const list = run('incidents', 'list', '--state', 'resolved');
    expect(list.stdout).toMatch(/resolved by maya 2026-\d\d-\d\d \d\d:\d\d GMT: "refunded by phone"/);
  });

  it('profiles check runs a profile check now; the demo profile matches its sandbox account', () => {
    const { run } = demoWorkspace();
    const check = run('profiles', 'check', '--brand', 'demo');
    expect(check).toMatchObject({ code: 0, stderr: '' });
    expect(check.stdout).toBe('CHANNEL       PROFILE\ndemo/sandbox  matches the config\n');
    expect(run('incidents', 'list').stdout).toBe('no open incidents\n');

    // Someone edits the bio on the platform: the next check finds it.
    expect(run('sandbox', 'profile', 'demo/sandbox', '--bio', 'Coffee, roasted whenever.').code).toBe(0);
    const drift = run('profiles', 'check');
    expect(drift.code).toBe(0);
    expect(drift.stdout).toContain(
      'demo/sandbox  bio differs: expected "Small-batch coffee, roasted on Tuesdays.", found "Coffee, roasted whenever."',
    );
  });
});
