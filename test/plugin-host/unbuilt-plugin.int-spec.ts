import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguredPlugin } from '../../src/plugin-host/plugin.loader';

describe('a TypeScript plugin folder that was not built', () => {
  it('fails to load with the file its package.json names and the command that builds it', () => {
    const base = mkdtempSync(join(tmpdir(), 'metronome-unbuilt-'));
    mkdirSync(join(base, 'plugins', 'fresh', 'src'), { recursive: true });
    writeFileSync(
      join(base, 'plugins', 'fresh', 'package.json'),
      JSON.stringify({ main: 'dist/src/index.js' }),
    );
    writeFileSync(join(base, 'plugins', 'fresh', 'src', 'index.ts'), 'export default {};');
    const loaded = loadConfiguredPlugin({ path: 'plugins/fresh' }, base);
    expect(loaded).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(
        /^package\.json "main" names dist\/src\/index\.js, which does not exist: build the plugin \(npm run build in .*fresh\)$/,
      ),
    });
  });
});
