import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `require('metronome/plugin-sdk')` from a plugin folder anywhere (here: a temp config folder, outside Metronome's
 * node_modules tree) gets the host's SDK instance. Jest replaces Node's module loader, so this runs the built code
 * (npm test builds it first) in a plain Node process.
 */
const DIST = join(__dirname, '..', '..', 'dist', 'src');

const byName = (name: string) => `const sdk = require('metronome/plugin-sdk');
module.exports = sdk.defineNotifier({
  kind: 'notifier', name: '${name}', version: '1.0.0', sdk: '^2.0.0',
  create: () => ({ send: async () => { throw sdk.refusedByPlatform(400, 'no such room'); } }),
});
`;

function configFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-sdk-by-name-'));
  mkdirSync(join(dir, 'plugins', 'by-name'), { recursive: true });
  writeFileSync(join(dir, 'plugins', 'by-name', 'index.js'), byName('by-name'));
  // A plugin that installed its own copy of the SDK (for the types) must still get the host's instance.
  const copy = join(dir, 'plugins', 'own-copy', 'node_modules', 'metronome');
  mkdirSync(join(copy, 'plugin-sdk'), { recursive: true });
  writeFileSync(
    join(copy, 'package.json'),
    JSON.stringify({ name: 'metronome', exports: { './plugin-sdk': './plugin-sdk/index.js' } }),
  );
  writeFileSync(
    join(copy, 'plugin-sdk', 'index.js'),
    'exports.defineNotifier = (p) => p; exports.refusedByPlatform = () => new Error("a second SDK");',
  );
  writeFileSync(join(dir, 'plugins', 'own-copy', 'index.js'), byName('own-copy'));
  mkdirSync(join(dir, 'plugins', 'factory'), { recursive: true });
  writeFileSync(
    join(dir, 'plugins', 'factory', 'index.js'),
    `module.exports = (sdk) => sdk.defineNotifier({
  kind: 'notifier', name: 'factory', version: '1.0.0', sdk: '^2.0.0',
  create: () => ({ send: async () => { throw sdk.refusedByPlatform(400, 'no such room'); } }),
});
`,
  );
  return dir;
}

describe('plugins import the SDK by name', () => {
  it("a plugin outside the repository, with or without its own copy, gets the host's SDK: instanceof works in the core", () => {
    const dir = configFolder();
    const result = spawnSync(
      process.execPath,
      [
        '-e',
        `
      const { loadConfiguredPlugin } = require(${JSON.stringify(join(DIST, 'plugin-host', 'plugin.loader.js'))});
      const { PermanentError } = require(${JSON.stringify(join(DIST, 'plugin-sdk', 'index.js'))});
      (async () => {
        const seen = {};
        for (const name of ['by-name', 'own-copy', 'factory']) {
          const plugin = loadConfiguredPlugin({ path: 'plugins/' + name }, ${JSON.stringify(dir)});
          if (plugin.status !== 'loaded') { seen[name] = plugin.error; continue; }
          const notifier = await plugin.definition.create({}, {});
          const error = await notifier.send().catch((e) => e);
          seen[name] = error instanceof PermanentError ? 'PermanentError: ' + error.platformCode : String(error);
        }
        console.log(JSON.stringify(seen));
      })().catch((error) => { console.error(error); process.exit(1); });
    `,
      ],
      { encoding: 'utf8', cwd: dir },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      'by-name': 'PermanentError: 400',
      'own-copy': 'PermanentError: 400',
      factory: 'PermanentError: 400',
    });
  });

  it('any other package name is resolved by Node as before', () => {
    const dir = configFolder();
    mkdirSync(join(dir, 'plugins', 'other'), { recursive: true });
    writeFileSync(join(dir, 'plugins', 'other', 'index.js'), "require('metronome/not-the-sdk');");
    const result = spawnSync(
      process.execPath,
      [
        '-e',
        `
      const { loadConfiguredPlugin } = require(${JSON.stringify(join(DIST, 'plugin-host', 'plugin.loader.js'))});
      console.log(loadConfiguredPlugin({ path: 'plugins/other' }, ${JSON.stringify(dir)}).error);
    `,
      ],
      { encoding: 'utf8', cwd: dir },
    );
    expect(result.stdout).toContain("Cannot find module 'metronome/not-the-sdk'");
  });
});
