import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the built CLI exactly as a user would (npm test builds it first). */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

function metronome(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('metronome token: who a token acts for, its scopes and its brands', () => {
  const env = { DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'metronome-token-')), 'm.db')}` };

  it('creates a person-bound token limited to scopes and brands, and lists what it is', () => {
    const created = metronome(
      [
        'token',
        'create',
        '--name',
        'maya-ci',
        '--person',
        'maya',
        '--scopes',
        'posts:read,approvals:write',
        '--brands',
        'demo',
      ],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^mtr_/);
    expect(created.stderr).toContain(
      'token "maya-ci" created: person maya, scopes posts:read,approvals:write, brands demo.',
    );
    expect(metronome(['token', 'create', '--name', 'bot', '--service', 'ci-bot', '--admin'], env).code).toBe(
      0,
    );
    expect(metronome(['token', 'create', '--name', 'grafana', '--scopes', 'read'], env).code).toBe(0);

    const list = metronome(['token', 'list'], env).stdout;
    expect(list).toContain('person maya, scopes posts:read,approvals:write, brands demo');
    expect(list).toContain('service ci-bot, scopes all, brands all, admin');
    expect(list).toContain('service grafana, scopes read, brands all');
  });

  it('refuses what it cannot grant, with exit 2 and the fix', () => {
    const typo = metronome(['token', 'create', '--name', 'x', '--scopes', 'aprovals:write'], env);
    expect(typo).toMatchObject({ code: 2 });
    expect(typo.stderr).toContain('unknown scope "aprovals:write" (did you mean "approvals:write"?)');
    const nobody = metronome(['token', 'create', '--name', 'x', '--person', 'mya'], env);
    expect(nobody).toMatchObject({ code: 2 });
    expect(nobody.stderr).toContain(
      '--person: "mya" is not a person in config/metronome.yaml (did you mean "maya"?)',
    );
    const brand = metronome(['token', 'create', '--name', 'x', '--brands', 'acme'], env);
    expect(brand.stderr).toContain('--brands: "acme" is not a brand in config/metronome.yaml');
    expect(
      metronome(['token', 'create', '--name', 'x', '--person', 'maya', '--service', 's'], env).code,
    ).toBe(2);
    expect(metronome(['token', 'list'], env).stdout).not.toContain('x   ');
  });
});
