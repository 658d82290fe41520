import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { LoadedConfig } from '../config/config.loader';
import { InvalidError, NotFoundError, UnavailableError } from '../errors/domain.error';
import { MAX_CONTENT_FILE_BYTES } from './content-file.reader';
import { scanContentFolder } from './content-folder.scanner';
import { contentPathProblem } from './content-path.validator';
import { PlanSyncService, SyncReport } from './plan-sync.service';

/**
 * The JSON request that carries a post file: its 256 KiB cap plus room for JSON escaping (a line break is two
 * bytes, a control character six). The API's other routes keep the 100 KB default.
 */
export const CONTENT_REQUEST_LIMIT = '2mb';

/** Errors of the file system that mean "this folder cannot be written here", not a bug. */
const READ_ONLY_CODES = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOTDIR']);

function readOnlyError(brandId: string, reason: string): UnavailableError {
  return new UnavailableError(
    `the content folder of brand "${brandId}" cannot be written here (${reason}; in the Docker image it is mounted read-only): edit the file in the content repository and let plan sync import it`,
    { brand: brandId, reason },
    'content_read_only',
  );
}

/**
 * Content files through the API: the brand's content folder stays the source of truth (and can stay in
 * git), the API writes or removes a Markdown file in it and syncs the brand at once, exactly as an edit
 * on disk followed by `metronome plan sync`. Only post files: `*.md` inside the folder, not hidden, not a README.
 */
@Injectable()
export class ContentFilesService {
  constructor(private readonly planSync: PlanSyncService) {}

  list(loaded: LoadedConfig, brandId: string): string[] {
    const folder = this.folder(loaded, brandId);
    return existsSync(folder) ? scanContentFolder(folder) : [];
  }

  async write(loaded: LoadedConfig, brandId: string, path: string, text: string): Promise<SyncReport> {
    const target = this.target(loaded, brandId, path);
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_CONTENT_FILE_BYTES) {
      throw new InvalidError(
        `${path}: ${bytes.toLocaleString('en-GB')} bytes is more than a post file may hold (${MAX_CONTENT_FILE_BYTES.toLocaleString('en-GB')} bytes, 256 KiB); media go next to it, referenced from the front matter`,
      );
    }
    this.assertWritable(loaded, brandId);
    try {
      mkdirSync(dirname(target), { recursive: true });
    } catch (error) {
      throw this.asReadOnly(brandId, error);
    }
    // Write-then-rename: a sync running at the same moment sees the old file or the new one, never half. The
    // temporary file is a dot-file (never scanned) and is removed whatever happens.
    const temporary = join(dirname(target), `.${randomUUID()}.tmp`);
    try {
      writeFileSync(temporary, text, { flag: 'wx' });
      renameSync(temporary, target);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw this.asReadOnly(brandId, error);
    }
    return this.planSync.syncBrand(loaded, brandId);
  }

  /**
   * Whether the brand's content folder can be written here, or why not (a read-only mount, no permission, a
   * path through a file). Checked on the folder itself, or on its nearest existing ancestor when it is missing.
   */
  writability(
    loaded: LoadedConfig,
    brandId: string,
  ): { writable: true } | { writable: false; reason: string } {
    let existing = this.folder(loaded, brandId);
    while (!existsSync(existing) && dirname(existing) !== existing) {
      existing = dirname(existing);
    }
    try {
      if (!statSync(existing).isDirectory()) {
        return { writable: false, reason: `${existing} is not a folder` };
      }
      accessSync(existing, constants.W_OK);
      return { writable: true };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      return { writable: false, reason: `${code}: the folder is read-only or not writable by this process` };
    }
  }

  /** Refuses a write to a folder that cannot be written with a clear 503 instead of an internal error. */
  assertWritable(loaded: LoadedConfig, brandId: string): void {
    const state = this.writability(loaded, brandId);
    if (!state.writable) {
      throw readOnlyError(brandId, state.reason);
    }
  }

  private asReadOnly(brandId: string, error: unknown): unknown {
    const code = (error as NodeJS.ErrnoException)?.code;
    return code && READ_ONLY_CODES.has(code) ? readOnlyError(brandId, code) : error;
  }

  async remove(loaded: LoadedConfig, brandId: string, path: string): Promise<SyncReport> {
    const target = this.target(loaded, brandId, path);
    if (!existsSync(target)) {
      throw new NotFoundError(`${path}: no such content file (GET the content list to see what there is)`);
    }
    try {
      rmSync(target);
    } catch (error) {
      throw this.asReadOnly(brandId, error);
    }
    return this.planSync.syncBrand(loaded, brandId);
  }

  private folder(loaded: LoadedConfig, brandId: string): string {
    const brand = loaded.config.brands[brandId];
    if (!brand) {
      throw new NotFoundError(
        `unknown brand "${brandId}" (brands: ${Object.keys(loaded.config.brands).join(', ')})`,
      );
    }
    if (!brand.content) {
      throw new InvalidError(
        `brand "${brandId}" has no content folder: set brands.${brandId}.content.folder`,
      );
    }
    return resolve(loaded.baseDir, brand.content.folder);
  }

  private target(loaded: LoadedConfig, brandId: string, path: string): string {
    const folder = this.folder(loaded, brandId);
    const problem = contentPathProblem(path);
    if (problem) {
      throw new InvalidError(problem);
    }
    const segments = path.split('/');
    const target = resolve(folder, ...segments);
    const inside = relative(existsSync(folder) ? realpathSync(folder) : folder, this.realParent(target));
    if (inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
      throw new InvalidError(`"${path}" leads outside the content folder`);
    }
    return target;
  }

  /** The real path of the nearest existing ancestor, joined with the rest: catches symlinked folders. */
  private realParent(target: string): string {
    let existing = target;
    const rest: string[] = [];
    while (!existsSync(existing)) {
      rest.unshift(existing.slice(dirname(existing).length + 1));
      existing = dirname(existing);
    }
    return join(realpathSync(existing), ...rest);
  }
}
