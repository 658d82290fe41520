import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Node's own module loader is what caches plugin code and reports syntax errors, and Jest replaces it with
 * its own: these tests run the built code (npm test builds it first) in a plain Node process.
 */
const DIST = join(__dirname, '..', '..', 'dist', 'src');

function notifier(version: string, extra = ''): string {
  return `module.exports = (sdk) => sdk.defineNotifier({
  kind: 'notifier', name: 'pager', version: '${version}', sdk: '^1.0.0',${extra}
  create: () => ({ send: async () => ({}) }),
});
`;
}

function configFolder(personRef: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-plugin-code-'));
  mkdirSync(join(dir, 'plugins', 'pager'), { recursive: true });
  writeFileSync(join(dir, 'plugins', 'pager', 'index.js'), notifier('1.0.0'));
  mkdirSync(join(dir, 'plugins', 'broken'), { recursive: true });
  writeFileSync(
    join(dir, 'plugins', 'broken', 'index.js'),
    'module.exports = {\n  name: "broken",\n  version: 1 2,\n};\n',
  );
  writeFileSync(
    join(dir, 'metronome.yaml'),
    [
      'organisation: { name: Acme }',
      'people: { ana: { name: Ana } }',
      'plugins: [{ path: plugins/pager }]',
      'notifiers: { page: { plugin: pager } }',
      'brands:',
      '  acme:',
      '    name: Acme',
      '    timezone: UTC',
      `    owner: ${personRef}`,
      '    channels: { main: { connector: sandbox, options: { handle: acme } } }',
    ].join('\n'),
  );
  return dir;
}

function node(script: string) {
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('plugin code', () => {
  it('a reload imports changed plugin code again, and the running config says which version runs', () => {
    const dir = configFolder('ana');
    const pager = join(dir, 'plugins', 'pager', 'index.js');
    const result = node(`
      const { writeFileSync } = require('node:fs');
      const { loadConfiguration } = require(${JSON.stringify(join(DIST, 'config', 'config.loader.js'))});
      const { ConfigService } = require(${JSON.stringify(join(DIST, 'config', 'config.service.js'))});
      const version = (loaded) => loaded.plugins.find('notifier', 'pager').version;
      (async () => {
        const first = await loadConfiguration(${JSON.stringify(dir)}, { env: {} });
        if (!first.ok) throw new Error(JSON.stringify(first.issues));
        const service = new ConfigService(first.loaded, ${JSON.stringify(dir)});
        const seen = [version(service.loaded)];
        await service.reload('unchanged');
        seen.push(service.loaded === first.loaded ? 'same config' : 'replaced');
        writeFileSync(${JSON.stringify(pager)}, ${JSON.stringify(notifier('1.1.0'))});
        await service.reload('SIGHUP');
        seen.push(version(service.loaded));
        console.log(JSON.stringify(seen));
      })().catch((error) => { console.error(error); process.exit(1); });
    `);
    expect(result.stderr).not.toContain('Error');
    expect(JSON.parse(result.stdout.trim().split('\n').pop() as string)).toEqual([
      '1.0.0',
      'same config',
      '1.1.0',
    ]);
    expect(result.stdout).toMatch(/plugin code imported again: pager 1\.1\.0 \(loaded\)/);
  });

  it('plugins list shows every plugin with its state and error, the plugin file:line:col included, even when the config is invalid', () => {
    const dir = configFolder('anna');
    const config = join(dir, 'metronome.yaml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('plugins/pager }]', 'plugins/pager }, { path: plugins/broken }]'),
    );
    const result = spawnSync(
      process.execPath,
      [join(DIST, 'cli', 'main.js'), 'plugins', 'list', '--config', dir],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(2);
    const rows = result.stdout.split('\n');
    expect(rows).toContainEqual(expect.stringMatching(/^sandbox\s+connector\s+1\.0\.0\s+loaded/));
    expect(rows).toContainEqual(expect.stringMatching(/^pager\s+notifier\s+1\.0\.0\s+loaded/));
    expect(rows).toContainEqual(
      expect.stringMatching(
        /^plugins\/broken\s+\?\s+\?\s+FAILED: cannot load: (.+)\/plugins\/broken\/index\.js:3:14: SyntaxError: Unexpected number/,
      ),
    );
    expect(result.stderr).toContain('1 plugin failed to load');
    expect(result.stderr).toMatch(/has 2 problems: run `metronome validate`/);
  });
});
