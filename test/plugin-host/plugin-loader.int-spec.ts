import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuiltinPlugins, loadConfiguredPlugin } from '../../src/plugin-host/plugin.loader';
import { PluginRegistry } from '../../src/plugin-host/plugin-registry';
import { SDK_VERSION } from '../../src/plugin-sdk';

function pluginSource(name: string, sdkRange = '^1.0.0'): string {
  return `module.exports = (sdk) => sdk.defineNotifier({
    kind: 'notifier', name: '${name}', version: '1.0.0', sdk: '${sdkRange}',
    options: sdk.z.object({ url: sdk.z.string() }),
    create: () => ({ send: async () => ({}) }),
  });`;
}

describe('plugin loading', () => {
  let base: string;
  let outside: string;

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'metronome-plugins-'));
    outside = mkdtempSync(join(tmpdir(), 'metronome-outside-'));
  });

  function writePlugin(dir: string, body: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.js'), body);
  }

  it('loads the built-in sandbox connector through the public SDK', () => {
    const sandbox = loadBuiltinPlugins().find((p) => p.name === 'sandbox');
    expect(sandbox).toMatchObject({ status: 'loaded', kind: 'connector', version: '1.0.0' });
  });

  it('loads a folder plugin that receives the SDK as a function argument', () => {
    writePlugin(join(base, 'plugins', 'pager'), pluginSource('pager'));
    expect(loadConfiguredPlugin({ path: 'plugins/pager' }, base)).toMatchObject({
      status: 'loaded',
      name: 'pager',
      kind: 'notifier',
    });
  });

  it('refuses a path that leaves the config folder, also through a symlink', () => {
    writePlugin(join(outside, 'evil'), pluginSource('evil'));
    const relative = loadConfiguredPlugin(
      { path: join('..', outside.split('/').pop() as string, 'evil') },
      base,
    );
    expect(relative).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('escapes the config folder'),
    });
    symlinkSync(join(outside, 'evil'), join(base, 'linked'));
    expect(loadConfiguredPlugin({ path: 'linked' }, base)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('escapes'),
    });
  });

  it('refuses an entry point outside the plugin folder', () => {
    writePlugin(join(base, 'elsewhere'), pluginSource('elsewhere'));
    mkdirSync(join(base, 'sneaky'));
    writeFileSync(join(base, 'sneaky', 'package.json'), JSON.stringify({ main: '../elsewhere/index.js' }));
    expect(loadConfiguredPlugin({ path: 'sneaky' }, base)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('outside the plugin folder'),
    });
  });

  it('runs a connector written for SDK 1.x through the adapter: its textLimit becomes text.graphemes', () => {
    writePlugin(
      join(base, 'legacy'),
      `module.exports = (sdk) => sdk.defineConnector({
        kind: 'connector', name: 'legacy', version: '1.0.0', sdk: '^1.2.0',
        capabilities: { publish: true, textLimit: 280, media: { maxCount: 1, types: ['image/png'] } },
        create: () => ({ publish: async () => ({ remoteId: '1' }) }),
      });`,
    );
    const loaded = loadConfiguredPlugin({ path: 'legacy' }, base);
    expect(loaded).toMatchObject({ status: 'loaded', name: 'legacy' });
    const capabilities = (loaded as unknown as { definition: { capabilities: Record<string, unknown> } })
      .definition.capabilities;
    expect(capabilities).toEqual({
      publish: true,
      text: { graphemes: 280 },
      media: { maxCount: 1, types: ['image/png'] },
    });
  });

  it('names the SDK range a plugin needs when it does not match', () => {
    writePlugin(join(base, 'future'), pluginSource('future', '^3.0.0'));
    expect(loadConfiguredPlugin({ path: 'future' }, base)).toMatchObject({
      status: 'failed',
      name: 'future',
      error: expect.stringContaining(`needs SDK ^3.0.0, but this Metronome provides SDK ${SDK_VERSION}`),
    });
  });

  it('reports a module that throws or exports nothing usable, without throwing itself', () => {
    writePlugin(join(base, 'throws'), 'throw new Error("boom at import")');
    writePlugin(join(base, 'empty'), 'module.exports = { name: "Bad Name" }');
    expect(loadConfiguredPlugin({ path: 'throws' }, base)).toMatchObject({
      status: 'failed',
      // The plugin's own file and position, not only the message.
      error: `cannot load: ${join(base, 'throws', 'index.js')}:1:7: boom at import`,
    });
    const empty = loadConfiguredPlugin({ path: 'empty' }, base);
    expect(empty.status).toBe('failed');
    expect(empty.status === 'failed' && empty.error).toMatch(/"name" must be lowercase.*"version" must be/);
  });

  it('keeps the first plugin that claims a name of its kind; another kind may share the name', () => {
    writePlugin(join(base, 'again'), pluginSource('email'));
    writePlugin(join(base, 'shared'), pluginSource('sandbox'));
    const registry = new PluginRegistry();
    loadBuiltinPlugins().forEach((p) => registry.add(p));
    registry.add(loadConfiguredPlugin({ path: 'again' }, base));
    registry.add(loadConfiguredPlugin({ path: 'shared' }, base));
    expect(registry.failure('email', 'notifier')).toMatch(/already taken by built-in/);
    // A notifier named like the built-in sandbox connector: both load.
    expect(registry.failure('sandbox')).toBeUndefined();
    expect(registry.find('connector', 'sandbox')).toBeDefined();
    expect(registry.find('notifier', 'sandbox')).toBeDefined();
  });

  it('refuses a package entry that is not a package name, so it cannot reach outside the config folder', () => {
    writePlugin(join(outside, 'plug'), pluginSource('plug'));
    const relativeOutside = join('..', outside.split('/').pop() as string, 'plug');
    for (const name of [
      relativeOutside,
      join(outside, 'plug'),
      './plug',
      'semver/../../x',
      'fs',
      'node:fs',
    ]) {
      expect(loadConfiguredPlugin({ package: name }, base)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(
          /^"[^"]+" is not an npm package name: .*use `path:` for a plugin folder/,
        ),
      });
    }
  });

  it("resolves a package from Metronome's own node_modules, not from the config folder", () => {
    // Resolved, so it is looked at: semver is installed but is no plugin.
    expect(loadConfiguredPlugin({ package: 'semver' }, base)).toMatchObject({
      status: 'failed',
      origin: { type: 'package', name: 'semver' },
      error: expect.stringContaining('"name" must be lowercase'),
    });
    writePlugin(join(base, 'node_modules', 'metronome-plugin-local'), pluginSource('local'));
    expect(loadConfiguredPlugin({ package: 'metronome-plugin-local' }, base)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('is not installed'),
    });
  });

  it('reports a missing npm package with the install command', () => {
    expect(loadConfiguredPlugin({ package: 'metronome-plugin-does-not-exist' }, base)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('npm install metronome-plugin-does-not-exist'),
    });
  });
});
