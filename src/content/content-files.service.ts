import { Injectable } from '@nestjs/common';
import { mkdirSync, realpathSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { LoadedConfig } from '../config/config.loader';
import { scanContentFolder } from './content-folder.scanner';
import { PlanSyncService, SyncReport } from './plan-sync.service';

export class ContentFileError extends Error {
  constructor(
    message: string,
    /** `missing`: the brand or file does not exist; `invalid`: the request cannot be carried out as asked. */
    readonly reason: 'missing' | 'invalid' = 'invalid',
  ) {
    super(message);
  }
}

/** A post file is at most this big: a caption with front matter, not a media upload. */
const MAX_FILE_BYTES = 256 * 1024;

/**
 * Content files through the API: the brand's content folder stays the source of truth (and can stay in
 * git), the API writes or removes a Markdown file in it and syncs the brand at once, exactly as an edit
 * on disk followed by `metronome plan sync`. Paths must stay inside the folder and end in `.md`.
 */
@Injectable()
export class ContentFilesService {
  constructor(private readonly planSync: PlanSyncService) {}

  list(loaded: LoadedConfig, brandId: string): string[] {
    const folder = this.folder(loaded, brandId);
    return existsSync(folder) ? scanContentFolder(folder) : [];
  }

  async write(loaded: LoadedConfig, brandId: string, path: string, text: string): Promise<SyncReport> {
    if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
      throw new ContentFileError(
        `${path}: ${Buffer.byteLength(text)} bytes is more than a post file may hold (${MAX_FILE_BYTES}); media go next to it, referenced from the front matter`,
      );
    }
    const target = this.target(loaded, brandId, path);
    mkdirSync(dirname(target), { recursive: true });
    // Write-then-rename: a sync running at the same moment sees the old file or the new one, never half.
    const temporary = join(dirname(target), `.${Date.now()}-${process.pid}.tmp`);
    writeFileSync(temporary, text);
    renameSync(temporary, target);
    return this.planSync.syncBrand(loaded, brandId);
  }

  async remove(loaded: LoadedConfig, brandId: string, path: string): Promise<SyncReport> {
    const target = this.target(loaded, brandId, path);
    if (!existsSync(target)) {
      throw new ContentFileError(
        `${path}: no such content file (GET the content list to see what there is)`,
        'missing',
      );
    }
    rmSync(target);
    return this.planSync.syncBrand(loaded, brandId);
  }

  private folder(loaded: LoadedConfig, brandId: string): string {
    const brand = loaded.config.brands[brandId];
    if (!brand) {
      throw new ContentFileError(
        `unknown brand "${brandId}" (brands: ${Object.keys(loaded.config.brands).join(', ')})`,
        'missing',
      );
    }
    if (!brand.content) {
      throw new ContentFileError(
        `brand "${brandId}" has no content folder: set brands.${brandId}.content.folder`,
      );
    }
    return resolve(loaded.baseDir, brand.content.folder);
  }

  private target(loaded: LoadedConfig, brandId: string, path: string): string {
    const folder = this.folder(loaded, brandId);
    const segments = path.split('/');
    if (
      isAbsolute(path) ||
      !path.endsWith('.md') ||
      segments.some((segment) => segment === '' || segment === '..' || segment.startsWith('.'))
    ) {
      throw new ContentFileError(
        `"${path}" is not a content file path: use a relative path of plain folder names ending in .md, e.g. "2026-12/launch.md"`,
      );
    }
    const target = resolve(folder, ...segments);
    const inside = relative(existsSync(folder) ? realpathSync(folder) : folder, this.realParent(target));
    if (inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
      throw new ContentFileError(`"${path}" leads outside the content folder`);
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
