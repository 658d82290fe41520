import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDownConnectorPlugin } from './metrics-test-kit';

/** Runs the built CLI exactly as a user would (npm test builds it first). */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
plugins: [{ path: down }]
brands:
  acme:
    name: Acme
    timezone: Pacific/Auckland
    owner: maya
    channels:
      social: { connector: sandbox, options: { handle: acme } }
      outage: { connector: down }
`;

describe('metronome metrics and reports list (built CLI, real SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-metrics-cli-'));
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'cli.db')}` };
  const metronome = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, ...args, '--config', join(dir, 'metronome.yaml')], {
      encoding: 'utf8',
      env,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  beforeAll(() => {
    writeDownConnectorPlugin(dir);
    writeFileSync(join(dir, 'metronome.yaml'), CONFIG);
  });

  it('collects a week, reports the failing channel with exit 1, and collects nothing twice', () => {
    const first = metronome('metrics', 'collect', '--brand', 'acme');
    expect(first.code).toBe(1);
    const lines = first.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('collected acme/social '))).toHaveLength(7);
    expect(lines.filter((line) => line.startsWith('FAILED'))).toEqual([
      expect.stringMatching(/^FAILED {4}acme\/outage \d{4}-\d\d-\d\d: down: 503 Service Unavailable$/),
    ]);

    const status = metronome('metrics', 'status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^CHANNEL +LAST COLLECTED +LAST ERROR\n/);
    expect(status.stdout).toMatch(/acme\/social +\d{4}-\d\d-\d\d +—\n/);
    expect(status.stdout).toMatch(/acme\/outage +never +\d{4}-\d\d-\d\d: down: 503 Service Unavailable/);

    const again = metronome('metrics', 'collect');
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toBe(
      'waiting   acme/outage: failed less than an hour ago; tried again after that\n',
    );
  });

  it('refuses bad input with exit 2 and says how to fix it', () => {
    const day = metronome('metrics', 'collect', '--day', '31/10/2026');
    expect(day.code).toBe(2);
    expect(day.stderr).toContain('--day 31/10/2026: write a date as YYYY-MM-DD, e.g. 2026-10-31');
    const brand = metronome('metrics', 'collect', '--brand', 'nope');
    expect(brand.code).toBe(2);
    expect(brand.stderr).toContain('unknown brand "nope" (brands: acme)');
    expect(metronome('reports', 'list', '--brand', 'nope').code).toBe(2);
  });

  it('reports list says when there is nothing yet', () => {
    const list = metronome('reports', 'list');
    expect(list).toMatchObject({ code: 0 });
    expect(list.stdout).toBe('no reports yet: `metronome report --brand <id>` renders one\n');
  });
});
