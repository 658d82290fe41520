import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfigIssue } from '../config/config-issue';
import type { LoadedConfig } from '../config/config.loader';
import { displayPath } from '../config/yaml-source.loader';
import { readContentFile } from './content-file.reader';
import { scanContentFolder } from './content-folder.scanner';
import { resolvePostPlan } from './post-plan.resolver';

/**
 * Checks every post file of every brand's content folder the way plan sync does (front matter, dates, channels,
 * limits, media), without a database: for `metronome validate`, so CI on a content repository catches what plan
 * sync would report. What needs the database is left to plan sync: whether a post was published already, so a
 * publish time in the past (plan sync imports such a file as a draft and says so).
 */
export async function validateContentFolders(loaded: LoadedConfig): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  for (const [brandId, brand] of Object.entries(loaded.config.brands)) {
    if (!brand.content) {
      continue;
    }
    const folder = resolve(loaded.baseDir, brand.content.folder);
    if (!existsSync(folder)) {
      issues.push({
        path: ['brands', brandId, 'content', 'folder'],
        message: `the content folder ${displayPath(folder)} does not exist: create it or fix brands.${brandId}.content.folder`,
      });
      continue;
    }
    for (const sourcePath of scanContentFolder(folder)) {
      const absolute = join(folder, sourcePath);
      const read = readContentFile(absolute, sourcePath, displayPath(absolute), folder);
      if (!read.ok) {
        issues.push(...read.issues);
        continue;
      }
      const planned = await resolvePostPlan(read.content, brand, loaded.plugins);
      if (!planned.ok) {
        issues.push(...planned.issues);
      }
    }
  }
  return issues;
}
