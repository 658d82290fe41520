import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Every `.ts` file under `dir`, skipping installed packages and build output. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) {
      return [];
    }
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The package a bare import specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('package.json', () => {
  it('declares every package the code imports (a package that is there only as another one’s dependency can vanish)', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const declared = new Set([
      // Metronome's own name: plugins (and their tests here) import the SDK through its exports, metronome/plugin-sdk.
      manifest.name,
      ...Object.keys(manifest.dependencies),
      ...Object.keys(manifest.devDependencies),
    ]);
    const builtins = new Set(builtinModules);
    const missing = new Map<string, string>();
    const importPattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'([^'./][^']*)'/gm;
    for (const dir of ['src', 'plugins', 'test', 'bench']) {
      for (const file of sourceFiles(join(root, dir))) {
        if (file.includes(join('test', 'peers'))) {
          continue; // the PDS peer has its own package.json (installed on Node 22)
        }
        for (const match of readFileSync(file, 'utf8').matchAll(importPattern)) {
          const name = packageOf(match[1]);
          if (!name.startsWith('node:') && !builtins.has(name) && !declared.has(name) && !missing.has(name)) {
            missing.set(name, file.slice(root.length + 1));
          }
        }
      }
    }
    expect(Object.fromEntries(missing)).toEqual({});
  });
});
