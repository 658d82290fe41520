import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** package.json sits two levels up from src/app in a checkout and three from dist/src/app in a build. */
function readVersion(): string {
  for (const candidate of [
    join(__dirname, '..', '..', 'package.json'),
    join(__dirname, '..', '..', '..', 'package.json'),
  ]) {
    if (existsSync(candidate)) {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    }
  }
  return '0.0.0';
}

export const METRONOME_VERSION = readVersion();
