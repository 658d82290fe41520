import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the built CLI exactly as a user (or CI) would; npm test builds it first. */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

/** The environment of a content repository's CI: none of the brands' secrets. */
function withoutSecretsEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/SMTP|SLACK|BSKY|MASTODON/.test(name)) {
      delete env[name];
    }
  }
  return env;
}

function metronome(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: withoutSecretsEnv() });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('metronome validate', () => {
  it('--without-secrets: the agency example validates in CI, each unset variable a note', () => {
    const strict = metronome(['validate', 'config/examples/agency.yaml']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('15 problems in config/examples/agency.yaml');

    const ci = metronome(['validate', '--without-secrets', 'config/examples/agency.yaml']);
    expect(ci.code).toBe(0);
    expect(ci.stdout).toMatch(/^ok {2}config\/examples\/agency\.yaml: 2 brands, /);
    const notes = ci.stderr.trim().split('\n');
    expect(notes).toHaveLength(15);
    expect(notes[0]).toBe(
      'config/examples/agency.yaml:34:13  notifiers.email.options.host  note: environment variable SMTP_HOST is not set: set it before starting Metronome (or remove the reference)',
    );
  });

  it('--without-secrets still fails a malformed reference and every other mistake', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-validate-'));
    writeFileSync(
      join(dir, 'metronome.yaml'),
      [
        'organisation: { name: Acme }',
        'people: { ana: { name: Ana } }',
        'brands:',
        '  acme:',
        '    name: Acme',
        '    timezone: UTC',
        '    owner: anna',
        '    channels:',
        '      main: { connector: sandbox, options: { handle: "${envv:ACME_HANDLE}" } }',
        '      second: { connector: sandbox, options: { handle: "${env:METRONOME_TEST_NEVER_SET}" } }',
      ].join('\n'),
    );
    const result = metronome(['validate', '--without-secrets', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'metronome.yaml:9:54  brands.acme.channels.main.options.handle  "${envv:ACME_HANDLE}" is not a secret reference: write ${env:NAME} or ${file:path}',
    );
    expect(result.stderr).toContain('brands.acme.owner  unknown person "anna" (did you mean "ana"?)');
    expect(result.stderr).toContain('note: environment variable METRONOME_TEST_NEVER_SET is not set');
    expect(result.stderr).toContain('2 problems in');
  });

  it('roles name people and known roles, each mistake at its place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-roles-'));
    writeFileSync(
      join(dir, 'metronome.yaml'),
      [
        'organisation: { name: Acme }',
        'people: { ana: { name: Ana }, cleo: { name: Cleo } }',
        'brands:',
        '  acme:',
        '    name: Acme',
        '    timezone: UTC',
        '    owner: ana',
        '    roles: { cleoo: client, ana: approvr }',
        '    channels:',
        '      main: { connector: sandbox, options: { handle: acme } }',
      ].join('\n'),
    );
    const result = metronome(['validate', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'metronome.yaml:8:14  brands.acme.roles.cleoo  unknown person "cleoo" (did you mean "cleo"?)',
    );
    expect(result.stderr).toMatch(
      /metronome\.yaml:8:34 {2}brands\.acme\.roles\.ana\[0\] {2}must be one of .*"approver"/,
    );
  });

  it('an alias bomb is a config error at the alias, not a crash', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-alias-'));
    const lines = ['organisation: { name: Acme }', 'a: &a [x, x, x, x, x, x, x, x, x]'];
    let previous = 'a';
    for (let i = 0; i < 8; i++) {
      lines.push(`b${i}: &b${i} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`);
      previous = `b${i}`;
    }
    lines.push('brands: {}');
    writeFileSync(join(dir, 'metronome.yaml'), lines.join('\n'));
    const result = metronome(['validate', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('    at ');
    expect(result.stderr).toMatch(
      /metronome\.yaml:4:10 {2}\(root\) {2}YAML: aliases expand to more than 100 copies \(Excessive alias count indicates a resource exhaustion attack\): write the values out or use fewer \*aliases\n1 problem in /,
    );
  });
});
