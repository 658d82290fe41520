import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('describeConnectorConformance in Jest', () => {
  it('declares one test per check: a failing check fails its test with the problem, a skip shows as skipped', () => {
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
        '--config',
        join(ROOT, 'test', 'jest-integration.config.js'),
        '--testRegex',
        'key-ignoring-sandbox\\.conformance\\.ts$',
        '--verbose',
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status).toBe(1);
    expect(output).toMatch(/✕ idempotent-publish/);
    expect(output).toMatch(
      /idempotent-publish: two publishes with the same idempotency key answered different posts/,
    );
    expect(output).toMatch(/✓ distinct-keys/);
    expect(output).toMatch(/○ skipped metrics-shape \(skipped: metrics are not under test here\)/);
    expect(output).toMatch(/Tests: {7}2 failed, 1 skipped, 14 passed, 17 total/);
  });
});
