import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Each test spawns several CLI processes; on a loaded 2-core machine one takes seconds to start.
jest.setTimeout(180_000);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

/** `metronome inbox reply` as a user runs it: the built CLI, the demo config, a SQLite file of its own. */
describe('metronome inbox reply (built CLI, demo config, real SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-reply-cli-'));
  cpSync('config/metronome.yaml', join(dir, 'metronome.yaml'));
  cpSync('config/content', join(dir, 'content'), { recursive: true });
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}` };
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, ...args, '--config', join(dir, 'metronome.yaml')], {
      encoding: 'utf8',
      env,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('answers an item on the platform from --file, once; the item shows as answered', () => {
    expect(run('plan', 'sync').code).toBe(0);
    expect(
      run('sandbox', 'comment', 'demo/sandbox', 'Do you ship to Norway?', '--author', 'sam.k').code,
    ).toBe(0);
    expect(run('inbox', 'poll').code).toBe(0);
    const [item] = JSON.parse(run('inbox', 'list', '--json').stdout) as Array<{ id: string }>;

    const file = join(dir, 'reply.txt');
    writeFileSync(file, 'We do, from January!\n');
    const reply = run('inbox', 'reply', item.id.slice(0, 8), '--file', file, '--as', 'theo');
    expect(reply).toMatchObject({ code: 0, stderr: '' });
    expect(reply.stdout).toMatch(
      /^reply [0-9a-f-]{36} sent on demo\/sandbox: https:\/\/sandbox\.invalid\/demo-coffee\/[0-9a-f]{16}\n$/,
    );
    const answered = JSON.parse(run('inbox', 'list', '--state', 'answered', '--json').stdout);
    expect(answered).toEqual([expect.objectContaining({ id: item.id, state: 'answered' })]);
  });

  it('refuses with exit 2 and a clear message: both --text and --file, an unknown person, a text over the limit', () => {
    const [item] = JSON.parse(run('inbox', 'list', '--state', 'answered', '--json').stdout) as Array<{
      id: string;
    }>;
    expect(run('inbox', 'reply', item.id, '--text', 'a', '--file', 'b', '--as', 'theo')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give the reply as --text "…" or --file <path> (one of them)'),
    });
    expect(run('inbox', 'reply', item.id, '--text', 'Hi', '--as', 'nobody')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown person "nobody"'),
    });
    expect(run('inbox', 'reply', item.id, '--text', 'y'.repeat(501), '--as', 'theo')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'the reply is too long for sandbox (demo/sandbox): 501 characters, over the limit of 500 characters by 1; shorten it',
      ),
    });
  });
});
