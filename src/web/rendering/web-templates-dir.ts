import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** templates/web of the installation, from src (Jest) or from dist. */
export function webTemplatesDir(): string {
  for (const candidate of [
    resolve(__dirname, '..', '..', '..', 'templates', 'web'),
    resolve(__dirname, '..', '..', '..', '..', 'templates', 'web'),
  ]) {
    if (existsSync(join(candidate, 'layout.hbs'))) {
      return candidate;
    }
  }
  throw new Error(`templates/web not found beside ${__dirname}: the installation is incomplete`);
}
