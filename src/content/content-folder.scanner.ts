import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Lists the post files of a content folder: every `.md` below it except READMEs and dot-folders.
 * Paths come back relative to the folder with forward slashes, the post's identity across machines.
 */
export function scanContentFolder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) {
        continue;
      }
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (
        entry.isFile() &&
        entry.name.toLowerCase().endsWith('.md') &&
        entry.name.toLowerCase() !== 'readme.md'
      ) {
        found.push(relative(folder, path).split(sep).join('/'));
      }
    }
  };
  walk(folder);
  return found.sort();
}
