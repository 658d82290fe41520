import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatConfigIssue, sortConfigIssues } from '../../src/config/config-issue';
import { loadConfiguration } from '../../src/config/config.loader';

const FIXTURES = join(__dirname, '..', 'fixtures', 'broken-configs');

/**
 * Every folder under test/fixtures/broken-configs is a configuration with known mistakes, and
 * expected.txt is exactly what `metronome validate` must print for it, position and wording included.
 */
describe('broken configurations', () => {
  const cases = readdirSync(FIXTURES).sort();

  it('has fixtures to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)('%s reports exactly the expected problems', async (name) => {
    const folder = join('test', 'fixtures', 'broken-configs', name);
    const expected = readFileSync(join(FIXTURES, name, 'expected.txt'), 'utf8')
      .trim()
      .split('\n');
    const result = await loadConfiguration(folder, {
      env: {},
      builtinPluginsDir: join(__dirname, '..', 'fixtures', 'builtin-plugins'),
    });
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : sortConfigIssues(result.issues).map(formatConfigIssue);
    expect(lines).toEqual(expected);
  });
});
