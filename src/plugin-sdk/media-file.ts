import { constants } from 'node:fs';
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { MediaAttachment } from './connector';
import { PermanentError } from './errors';

/** An open media file that was inside its root when opened: read from the handle, never from the path again. */
export interface OpenMediaFile {
  size: number;
  /** When the open file was last written (SDK 2): with `size`, what a cache validator (ETag) needs. */
  modifiedAt: Date;
  /** The whole file, or undefined when it is larger than `maxBytes` (nothing past that is read). */
  read(maxBytes?: number): Promise<Uint8Array | undefined>;
  /** Bytes from `position` (for headers, e.g. a video's duration). */
  readAt(position: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * One message for every way a media file can be refused (missing, unreadable, outside the folder, not a file), so
 * an error never tells whether some path outside the content folder exists.
 */
export function mediaRefusal(shownPath: string): string {
  return `media file "${shownPath}" is not a readable file inside the content folder (paths are relative to the post file and stay in the brand's content folder)`;
}

function inside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest !== '' && !rest.startsWith('..') && !isAbsolute(rest);
}

/** Where the open file really is: the kernel's answer on Linux, else the resolved path when it is the same file. */
async function realPathOf(handle: FileHandle, path: string): Promise<string | undefined> {
  try {
    const linked = await readlink(`/proc/self/fd/${handle.fd}`);
    if (isAbsolute(linked)) {
      return linked;
    }
  } catch {
    // No /proc (macOS): compare the resolved path's identity with the open file's below.
  }
  const resolved = await realpath(path);
  const [opened, there] = await Promise.all([handle.stat(), stat(resolved)]);
  return opened.dev === there.dev && opened.ino === there.ino ? resolved : undefined;
}

/**
 * Opens a media file only when it is a regular file whose real location (symlinks resolved, after opening, so a
 * file swapped for a symlink in between is caught) is inside `root`. Returns undefined otherwise, whatever the
 * reason. Never blocks on a FIFO. Attachments imported before SDK 1.2 carry no root: then the file may not be
 * reached through a symlink at all.
 */
export async function openContainedFile(
  path: string,
  root: string | undefined,
): Promise<OpenMediaFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const real = await realPathOf(handle, path);
    const info = await handle.stat();
    const allowed =
      real !== undefined &&
      info.isFile() &&
      (root === undefined ? real === path : inside(await realpath(root), real));
    if (!allowed) {
      await handle.close();
      return undefined;
    }
    return {
      size: info.size,
      modifiedAt: info.mtime,
      async read(maxBytes = Number.POSITIVE_INFINITY) {
        if (info.size > maxBytes) {
          return undefined;
        }
        const bytes = Buffer.alloc(info.size);
        let done = 0;
        while (done < info.size) {
          const { bytesRead } = await handle.read(bytes, done, info.size - done, done);
          if (bytesRead === 0) {
            break;
          }
          done += bytesRead;
        }
        return new Uint8Array(bytes.buffer, bytes.byteOffset, done);
      },
      async readAt(position, length) {
        const bytes = Buffer.alloc(length);
        const { bytesRead } = await handle.read(bytes, 0, length, position);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytesRead);
      },
      close: () => handle.close(),
    };
  } catch {
    await handle.close().catch(() => undefined);
    return undefined;
  }
}

/**
 * A post's media file, for a connector that uploads it: opened only inside the attachment's root (see
 * `openContainedFile`), else a PermanentError that does not say whether the path exists. Close it when done.
 */
export async function openMediaFile(item: MediaAttachment): Promise<OpenMediaFile> {
  const file = await openContainedFile(item.path, item.root);
  if (!file) {
    throw new PermanentError(mediaRefusal(shownPath(item)));
  }
  return file;
}

/** The whole media file (see `openMediaFile`); larger than `maxBytes` is a PermanentError naming the limit. */
export async function readMediaFile(item: MediaAttachment, maxBytes?: number): Promise<Uint8Array> {
  const file = await openMediaFile(item);
  try {
    const bytes = await file.read(maxBytes);
    if (!bytes) {
      throw new PermanentError(
        `media file "${shownPath(item)}" is ${file.size.toLocaleString('en-GB')} bytes; the limit is ${(maxBytes ?? 0).toLocaleString('en-GB')} bytes`,
      );
    }
    return bytes;
  } finally {
    await file.close();
  }
}

/** The path as people know it: relative to the content folder when there is one. */
function shownPath(item: MediaAttachment): string {
  return item.root ? relative(item.root, item.path) : item.path;
}
