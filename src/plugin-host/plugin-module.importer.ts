import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';

export type ImportedModule =
  { ok: true; exports: unknown; codeHash: string } | { ok: false; error: string; codeHash?: undefined };

/** The files a plugin's import brought in from its own folder, with the hash of each as it was read. */
interface ImportRecord {
  files: Map<string, string>;
}

const records = new Map<string, ImportRecord>();

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(sep));
}

function hashOf(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return 'unreadable';
  }
}

/** Forgets every module Node has cached from the plugin's folder, so the next require reads them again. */
function forget(root: string): void {
  for (const file of Object.keys(require.cache)) {
    if (isInside(file, root)) {
      delete require.cache[file];
    }
  }
}

/**
 * Imports a plugin's entry module. Node caches modules for the life of the process, so a reload would keep
 * running the old code while reporting the plugin "loaded": when any file the plugin's import read from its
 * folder has changed since, its cached modules are dropped and the code is imported again. The SDK and
 * anything outside the plugin folder stay as they are (one SDK instance for every plugin).
 */
export function importPluginModule(entry: string, root: string): ImportedModule {
  const previous = records.get(entry);
  if (previous && [...previous.files].some(([file, hash]) => hashOf(file) !== hash)) {
    forget(root);
    records.delete(entry);
  }
  let exports: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(entry);
  } catch (error) {
    // Modules of the plugin that did load would otherwise be served stale on the next attempt.
    forget(root);
    records.delete(entry);
    return { ok: false, error: describeImportError(error, root) };
  }
  let record = records.get(entry);
  if (!record) {
    const files = Object.keys(require.cache).filter((file) => isInside(file, root));
    record = { files: new Map(files.map((file) => [file, hashOf(file)])) };
    records.set(entry, record);
  }
  const hash = createHash('sha256');
  for (const [file, fileHash] of [...record.files].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(file).update('\u0000').update(fileHash).update('\u0000');
  }
  return { ok: true, exports, codeHash: hash.digest('hex') };
}

/**
 * What went wrong, and where inside the plugin: a syntax error's file:line:col (Node puts it at the top of
 * the stack, with a caret under the column), or the plugin's own frame of an error thrown while importing.
 */
function describeImportError(error: unknown, root: string): string {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const lines = stack.split('\n');
  const header = /^(.+):(\d+)$/.exec(lines[0] ?? '');
  if (error instanceof SyntaxError && header && isInside(header[1], root)) {
    const caret = (lines[2] ?? '').indexOf('^');
    const col = caret >= 0 ? caret + 1 : 1;
    return `${displayPath(header[1])}:${header[2]}:${col}: SyntaxError: ${message}`;
  }
  for (const line of lines) {
    const frame = /\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (frame && isInside(frame[1], root)) {
      return `${displayPath(frame[1])}:${frame[2]}:${frame[3]}: ${message}`;
    }
  }
  return message;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}
