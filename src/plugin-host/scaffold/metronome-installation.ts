import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface MetronomeInstallation {
  /** The folder holding Metronome's package.json (a checkout or an installed package). */
  root: string;
  /** The versions it builds with, for a plugin's devDependencies. */
  typescript: string;
  typesNode: string;
}

/**
 * The Metronome this code runs from: the nearest package.json named "metronome" above it. Found by walking up
 * because this file runs from src/plugin-host/scaffold (tests) or dist/src/plugin-host/scaffold (built).
 */
export function metronomeInstallation(from = __dirname): MetronomeInstallation {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: string;
        devDependencies?: Record<string, string>;
      };
      if (parsed.name === 'metronome') {
        return {
          root: dir,
          typescript: parsed.devDependencies?.typescript ?? '^6.0.0',
          typesNode: parsed.devDependencies?.['@types/node'] ?? '^20.0.0',
        };
      }
    }
    if (dirname(dir) === dir) {
      throw new Error(`cannot find Metronome's package.json above ${from}`);
    }
  }
}
