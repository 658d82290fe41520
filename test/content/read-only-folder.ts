import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_YAML } from '../web/web-app.fixture';

/**
 * A content folder that cannot be written (read-only in the Docker image). The tests run as root, and root
 * ignores chmod 0555, so the folder here becomes a path under a regular FILE once the app has started (the config
 * loader wants it to exist): every write then fails with ENOTDIR, as truly as EROFS fails on a read-only mount,
 * with no mock of the file system.
 */
export const READ_ONLY_YAML = WEB_YAML.replace('folder: content-beta', 'folder: blocked/content');

export function prepareBetaFolder(dir: string): void {
  mkdirSync(join(dir, 'blocked', 'content'), { recursive: true });
}

/** After start: `blocked` becomes a file, so nothing can be written under blocked/content. */
export function blockBetaFolder(dir: string): void {
  rmSync(join(dir, 'blocked'), { recursive: true });
  writeFileSync(join(dir, 'blocked'), 'a file, not a folder: nothing can be written under it\n');
}
