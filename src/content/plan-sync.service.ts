import { Injectable, Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ApprovalService } from '../approvals/approval.service';
import { Clock } from '../clock/clock';
import { ConfigIssue } from '../config/config-issue';
import { LoadedConfig } from '../config/config.loader';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import { isUniqueViolation } from '../persistence/unique-violation';
import { displayPath } from '../config/yaml-source.loader';
import { parseDurationMs } from '../config/schema/primitives.schema';
import { scanContentFolder } from './content-folder.scanner';
import { readContentFile } from './content-file.reader';
import { resolvePostPlan } from './post-plan.resolver';
import { postSettlement } from '../publishing/post-settlement';
import { PLAN_SYNC_ACTOR as ACTOR, PostImporter } from './post-importer';
import { PostStateService } from './post-state.service';
import { PostRepository } from './post.repository';

export interface SyncReport {
  brand: string;
  created: string[];
  updated: string[];
  unchanged: number;
  cancelled: string[];
  /** Files changed after their post was published: never rewritten. */
  keptPublished: string[];
  issues: ConfigIssue[];
}

function emptyReport(brand: string): SyncReport {
  return { brand, created: [], updated: [], unchanged: 0, cancelled: [], keptPublished: [], issues: [] };
}

/**
 * Imports a brand's content folder idempotently: new files become posts, edited files update their
 * unpublished post and restart its approvals, deleted files cancel unpublished posts, and a published
 * post is never rewritten. A file with problems is reported and leaves its post as it was.
 */
@Injectable()
export class PlanSyncService {
  constructor(
    private readonly posts: PostRepository,
    private readonly importer: PostImporter,
    private readonly states: PostStateService,
    private readonly approvals: ApprovalService,
    private readonly audit: AuditRepository,
    private readonly events: TransactionalEvents,
    private readonly clock: Clock,
  ) {}

  private readonly logger = new Logger('PlanSync');

  /** Every brand, each on its own: a brand that cannot be synced is reported and the others still are. */
  async syncAll(loaded: LoadedConfig, now = this.clock.now()): Promise<SyncReport[]> {
    const reports: SyncReport[] = [];
    for (const brandId of Object.keys(loaded.config.brands)) {
      try {
        reports.push(await this.syncBrand(loaded, brandId, now));
      } catch (error) {
        const reason = (error as Error).message;
        this.logger.error(`plan sync of brand ${brandId} failed (the other brands were synced): ${reason}`);
        reports.push({
          ...emptyReport(brandId),
          issues: [
            {
              path: ['brands', brandId],
              message: `plan sync of this brand failed, the other brands were synced: ${reason}; the next sync tries again`,
            },
          ],
        });
      }
    }
    return reports;
  }

  /** One sync at a time in this process: the scheduler, a reload and an API call may all ask at once. */
  private queue: Promise<unknown> = Promise.resolve();

  syncBrand(loaded: LoadedConfig, brandId: string, now = this.clock.now()): Promise<SyncReport> {
    const run = this.queue.then(() => this.syncBrandNow(loaded, brandId, now));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncBrandNow(loaded: LoadedConfig, brandId: string, now: Date): Promise<SyncReport> {
    const brand = loaded.config.brands[brandId];
    const report = emptyReport(brandId);
    if (!brand?.content) {
      return report;
    }
    const folder = resolve(loaded.baseDir, brand.content.folder);
    if (!existsSync(folder)) {
      report.issues.push({
        path: ['brands', brandId, 'content', 'folder'],
        message: `the content folder ${displayPath(folder)} does not exist: create it or fix brands.${brandId}.content.folder (nothing was imported or cancelled)`,
      });
      return report;
    }
    const channelIds = await this.posts.channelIdsOf(brandId);
    const files = scanContentFolder(folder);
    for (const sourcePath of files) {
      const absolute = join(folder, sourcePath);
      const file = displayPath(absolute);
      try {
        await this.syncFile({
          loaded,
          brandId,
          brand,
          folder,
          sourcePath,
          absolute,
          file,
          channelIds,
          now,
          report,
        });
      } catch (error) {
        // One file never stops the others: whatever went wrong is that file's problem, reported on it.
        this.logger.error(`${file}: could not be imported: ${(error as Error).stack ?? String(error)}`);
        report.issues.push({
          file,
          line: 1,
          col: 1,
          path: [],
          message: `could not be imported (${(error as Error).message}); its post is left as it was and the next sync tries again`,
        });
      }
    }
    await this.cancelDeleted(brandId, files, now, report);
    await this.cancelDeletedUnderWay(brandId, files, now, report);
    return report;
  }

  private async syncFile(input: {
    loaded: LoadedConfig;
    brandId: string;
    brand: BrandConfig;
    folder: string;
    sourcePath: string;
    absolute: string;
    file: string;
    channelIds: Map<string, string>;
    now: Date;
    report: SyncReport;
  }): Promise<void> {
    const { brandId, brand, report } = input;
    const read = readContentFile(input.absolute, input.sourcePath, input.file, input.folder);
    if (!read.ok) {
      report.issues.push(...read.issues);
      return;
    }
    const planned = await resolvePostPlan(read.content, brand, input.loaded.plugins);
    if (!planned.ok) {
      report.issues.push(...planned.issues);
      return;
    }
    try {
      await this.events.run(() =>
        this.importer.importFile({
          brandId,
          brand,
          content: read.content,
          plan: planned.plan,
          channelIds: input.channelIds,
          now: input.now,
          missedGraceMs: parseDurationMs(input.loaded.config.publishing.missedGrace) ?? 0,
          report,
        }),
      );
    } catch (error) {
      // Another process (a CLI run beside the server) imported the same file at the same moment.
      if (!isUniqueViolation(error)) {
        throw error;
      }
      report.issues.push({
        file: read.content.file,
        line: 1,
        col: 1,
        path: [],
        message: 'imported concurrently by another process; the next sync settles it',
      });
    }
  }

  private async cancelDeleted(
    brandId: string,
    files: string[],
    now: Date,
    report: SyncReport,
  ): Promise<void> {
    const orphans = await this.posts.fromFilesOtherThan(brandId, files, {
      not: ['published', 'publishing', 'cancelled'],
    });
    for (const post of orphans) {
      if (post.sourcePath === null) {
        continue;
      }
      await this.events.run(async () => {
        if (
          await this.states.transition(post, 'cancelled', {
            actor: ACTOR,
            reason: `file ${post.sourcePath} was deleted`,
            at: now,
          })
        ) {
          await this.approvals.skipOpen(post.id);
          report.cancelled.push(post.sourcePath as string);
        }
      });
    }
  }

  /**
   * A post under way whose file was deleted: what has not gone out yet (variants still `scheduled`, waiting for a
   * reconnect or a rate limit) is cancelled, nothing is ever published from a deleted file. With nothing out it is
   * cancelled as a whole; otherwise it settles on what went out.
   */
  private async cancelDeletedUnderWay(
    brandId: string,
    files: string[],
    now: Date,
    report: SyncReport,
  ): Promise<void> {
    const underWay = await this.posts.fromFilesOtherThan(brandId, files, { in: ['publishing'] });
    for (const post of underWay) {
      if (post.sourcePath === null) {
        continue;
      }
      const reason = `file ${post.sourcePath} was deleted`;
      const cancelled = await this.events.run(async () => {
        const all = await this.posts.variantsOf(post.id);
        const waiting = all.filter((variant) => variant.state === 'scheduled');
        if (waiting.length === 0) {
          return false;
        }
        if (waiting.length === all.length) {
          // Nothing went out: back to scheduled, then cancelled like any scheduled post (its variants follow).
          await this.states.transition(post, 'scheduled', { actor: ACTOR, reason, at: now });
          return this.states.transition(post, 'cancelled', { actor: ACTOR, reason, at: now });
        }
        for (const variant of waiting) {
          if (await this.posts.cancelWaitingVariant(variant.id, reason, now)) {
            variant.state = 'cancelled';
            await this.audit.append({
              actor: ACTOR,
              action: 'variant.cancelled',
              subjectType: 'variant',
              subjectId: variant.id,
              data: { reason },
              at: now,
            });
          }
        }
        for (const step of postSettlement(post.state, all)) {
          await this.states.transition(post, step.to, {
            actor: ACTOR,
            reason: step.reason,
            at: now,
          });
        }
        return true;
      });
      if (cancelled) {
        report.cancelled.push(post.sourcePath);
      }
    }
  }
}
