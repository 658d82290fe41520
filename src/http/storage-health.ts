import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { rm, statfs, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type StorageStatus = 'ok' | 'full' | 'unwritable';

export interface FolderHealth {
  path: string;
  status: StorageStatus;
  /** Bytes available to this process, when the file system could be asked. */
  freeBytes?: number;
  detail?: string;
}

/** Default minimum free space in a data folder: SQLite's WAL checkpoints and rendered PDFs need room. */
export const DEFAULT_MIN_FREE_BYTES = 100 * 1024 * 1024;

/**
 * Whether Metronome can keep writing to a data folder: a small file is written and removed (this catches
 * a read-only or vanished volume, and permissions, for root too), and the free space must be at least
 * `minFreeBytes`. A folder that does not exist yet is judged by the nearest one above it, where it will
 * be created.
 */
export async function checkFolder(path: string, minFreeBytes: number): Promise<FolderHealth> {
  const existing = nearestExisting(path);
  if (!existing.ok) {
    return { path, status: 'unwritable', detail: existing.reason };
  }
  const probe = join(existing.path, `.metronome-health-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, 'ok');
  } catch (error) {
    return {
      path,
      status: 'unwritable',
      detail: `cannot write in ${existing.path}: ${(error as Error).message}`,
    };
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  let freeBytes: number;
  try {
    const stats = await statfs(existing.path);
    freeBytes = stats.bavail * stats.bsize;
  } catch (error) {
    return { path, status: 'ok', detail: `free space unknown: ${(error as Error).message}` };
  }
  if (freeBytes < minFreeBytes) {
    return {
      path,
      status: 'full',
      freeBytes,
      detail: `${mb(freeBytes)} free, below the ${mb(minFreeBytes)} Metronome needs (METRONOME_MIN_FREE_DISK_MB)`,
    };
  }
  return { path, status: 'ok', freeBytes };
}

function nearestExisting(path: string): { ok: true; path: string } | { ok: false; reason: string } {
  let current = path;
  for (;;) {
    if (existsSync(current)) {
      return statSync(current).isDirectory()
        ? { ok: true, path: current }
        : { ok: false, reason: `${current} is not a folder` };
    }
    const parent = dirname(current);
    if (parent === current) {
      return { ok: false, reason: `no part of ${path} exists` };
    }
    current = parent;
  }
}

function mb(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024))} MB`;
}
