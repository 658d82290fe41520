import { Injectable, Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { approvalLeadTimeMs, planApprovalSteps } from '../approvals/approval-chain';
import { ApprovalService } from '../approvals/approval.service';
import { ConfigIssue } from '../config/config-issue';
import { LoadedConfig } from '../config/config.loader';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import { isUniqueViolation } from '../persistence/unique-violation';
import type { JsonColumnValue } from '../persistence/json-value';
import { ChannelEntity } from '../persistence/entities/channel.entity';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { PostEntity } from '../persistence/entities/post.entity';
import { displayPath } from '../config/yaml-source.loader';
import { mimeTypeOf } from './channel-content';
import { scanContentFolder } from './content-folder.scanner';
import { ContentFile, readContentFile } from './content-file.reader';
import { PostPlan, resolvePostPlan } from './post-plan.resolver';
import { postSettlement } from '../publishing/post-settlement';
import { PostSlotter } from './post-slotter';
import { PostStateService } from './post-state.service';

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

const ACTOR = 'plan-sync';

function emptyReport(brand: string): SyncReport {
  return { brand, created: [], updated: [], unchanged: 0, cancelled: [], keptPublished: [], issues: [] };
}
const FINAL_STATES = ['publishing', 'published'] as const;

/**
 * Imports a brand's content folder idempotently: new files become posts, edited files update their
 * unpublished post and restart its approvals, deleted files cancel unpublished posts, and a published
 * post is never rewritten. A file with problems is reported and leaves its post as it was.
 */
@Injectable()
export class PlanSyncService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly states: PostStateService,
    private readonly approvals: ApprovalService,
    private readonly audit: AuditRepository,
    private readonly slotter: PostSlotter,
    private readonly events: TransactionalEvents,
  ) {}

  private readonly logger = new Logger('PlanSync');

  /** Every brand, each on its own: a brand that cannot be synced is reported and the others still are. */
  async syncAll(loaded: LoadedConfig, now = new Date()): Promise<SyncReport[]> {
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

  syncBrand(loaded: LoadedConfig, brandId: string, now = new Date()): Promise<SyncReport> {
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
    const channelIds = await this.channelIds(brandId);
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
      await this.events.run((manager) =>
        this.importFile(manager, {
          brandId,
          brand,
          content: read.content,
          plan: planned.plan,
          channelIds: input.channelIds,
          now: input.now,
          missedGraceMs: input.loaded.config.publishing.missedGrace,
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

  private async importFile(
    manager: EntityManager,
    input: {
      brandId: string;
      brand: BrandConfig;
      content: ContentFile;
      plan: PostPlan;
      channelIds: Map<string, string>;
      now: Date;
      missedGraceMs: number;
      report: SyncReport;
    },
  ): Promise<void> {
    const { brandId, content, report, now } = input;
    const posts = manager.getRepository(PostEntity);
    let post = await posts.findOneBy({ brandId, sourcePath: content.sourcePath });
    if (post && post.sourceHash === content.hash && post.state !== 'cancelled') {
      report.unchanged++;
      return;
    }
    if (post && (FINAL_STATES as readonly string[]).includes(post.state)) {
      if (post.sourceHash !== content.hash) {
        report.keptPublished.push(content.sourcePath);
        report.issues.push({
          file: content.file,
          line: 1,
          col: 1,
          path: [],
          message: `this post is already ${post.state}; a published post is never rewritten: put a follow-up in a new file`,
        });
      }
      return;
    }
    const isNew = !post;
    post ??= posts.create({
      brandId,
      sourcePath: content.sourcePath,
      state: 'draft',
      createdAt: now,
      cycleId: null,
      assignee: null,
      stateReason: null,
    });
    const fm = content.frontMatter;
    Object.assign(post, {
      sourceHash: content.hash,
      title: fm.title,
      body: content.body,
      campaign: fm.campaign ?? null,
      theme: fm.theme ?? null,
      funnelStage: fm.funnel ?? null,
      tags: fm.tags,
      updatedAt: now,
    });
    const unplaced = await this.placeInTime(manager, post, input);
    // A time inside the grace window (a file written for "now", synced a few minutes later) goes out at once, as a
    // post delayed by a short outage would; a time older than that is reported and the post stays a draft.
    const past =
      input.plan.fixedPublishAt !== undefined &&
      input.plan.fixedPublishAt.getTime() < now.getTime() - input.missedGraceMs;
    if (past) {
      report.issues.push({
        ...content.locate(['publish']),
        path: ['publish'],
        message: `publish time "${fm.publish}" (${input.brand.timezone}) has already passed (more than publishing.missedGrace ago): the post is imported as a draft and will not be published; write a later time or "next-slot" to schedule it`,
      });
    }
    if (!post.publishAt) {
      report.issues.push({
        ...content.locate(['publish']),
        path: ['publish'],
        message: `${unplaced ?? 'no publishing time'}; the post stays a draft`,
      });
    }
    if (isNew) {
      await posts.insert(post);
    } else {
      await posts.update(
        { id: post.id },
        {
          sourceHash: post.sourceHash,
          title: post.title,
          body: post.body,
          campaign: post.campaign,
          theme: post.theme,
          funnelStage: post.funnelStage,
          tags: post.tags,
          publishAt: post.publishAt,
          scheduleMode: post.scheduleMode,
          updatedAt: now,
        },
      );
      if (post.state !== 'draft') {
        await this.states.transition(manager, post, 'draft', {
          actor: ACTOR,
          reason: 'file changed: approvals restart',
          at: now,
        });
      }
      await this.approvals.skipOpen(manager, post.id);
    }
    await this.writeVariants(manager, post, input);
    await this.audit.append(
      {
        actor: ACTOR,
        action: isNew ? 'post.imported' : 'post.updated',
        subjectType: 'post',
        subjectId: post.id,
        data: { file: content.sourcePath, hash: content.hash },
        at: now,
      },
      manager,
    );
    (isNew ? report.created : report.updated).push(content.sourcePath);
    if (isNew) {
      this.events.record(manager, {
        type: 'post.imported',
        brandId,
        subject: { type: 'post', id: post.id },
        at: now,
      });
    }
    if (!fm.draft && post.publishAt && !past) {
      await this.states.transition(manager, post, 'in_review', { actor: ACTOR, at: now });
      await this.approvals.open(
        manager,
        post,
        planApprovalSteps(input.brand, input.plan.channels, post.publishAt),
        ACTOR,
        now,
      );
    }
  }

  private async placeInTime(
    manager: EntityManager,
    post: PostEntity,
    input: { brand: BrandConfig; plan: PostPlan; channelIds: Map<string, string>; now: Date },
  ): Promise<string | undefined> {
    if (input.plan.fixedPublishAt) {
      post.publishAt = input.plan.fixedPublishAt;
      post.scheduleMode = 'fixed';
      return undefined;
    }
    const keepSlot =
      post.scheduleMode === 'slot' &&
      post.publishAt &&
      post.publishAt > input.now &&
      this.slotter.fitsCampaign(input.brand, post.campaign, post.publishAt);
    if (keepSlot) {
      return undefined;
    }
    post.scheduleMode = 'slot';
    const slot = await this.slotter.nextSlot(manager, {
      brand: input.brand,
      channels: input.plan.channels,
      channelIds: input.channelIds,
      excludePostId: post.id,
      // A slot sooner than the approval chain's longest lead time would be overdue on arrival.
      from: new Date(input.now.getTime() + approvalLeadTimeMs(input.brand, input.plan.channels)),
      campaign: post.campaign,
    });
    post.publishAt = slot.at ?? null;
    return slot.reason;
  }

  private async writeVariants(
    manager: EntityManager,
    post: PostEntity,
    input: { plan: PostPlan; channelIds: Map<string, string>; now: Date; content: ContentFile },
  ): Promise<void> {
    const repository = manager.getRepository(PostVariantEntity);
    const wanted = input.plan.variants.map((variant) => ({
      variant,
      channelId: input.channelIds.get(variant.channel) as string,
    }));
    await repository.delete({ postId: post.id, channelId: Not(In(wanted.map((w) => w.channelId))) });
    for (const { variant, channelId } of wanted) {
      // Connectors read the files: store where they are, not where they are relative to the post file.
      const media = variant.media.map((item) => ({
        path: resolve(dirname(input.content.absolutePath), item.path),
        // The connector opens the file only inside this folder (checked again when it reads it).
        root: input.content.root,
        mimeType: mimeTypeOf(item.path) ?? 'application/octet-stream',
        ...(item.alt ? { altText: item.alt } : {}),
      }));
      const extra = input.content.frontMatter.overrides[variant.channel]?.extra ?? {};
      const existing = await repository.findOneBy({ postId: post.id, channelId });
      if (existing) {
        await repository.update(
          { id: existing.id },
          {
            text: variant.text,
            media,
            extra: extra as Record<string, JsonColumnValue>,
            state: post.state,
            updatedAt: input.now,
          },
        );
      } else {
        await repository.insert(
          repository.create({
            postId: post.id,
            channelId,
            state: post.state,
            text: variant.text,
            media,
            extra: extra as Record<string, JsonColumnValue>,
            idempotencyKey: `${post.id}:${channelId}`,
            remoteId: null,
            remoteUrl: null,
            attempts: 0,
            lastError: null,
            scheduledAt: null,
            publishedAt: null,
            updatedAt: input.now,
          }),
        );
      }
    }
  }

  private async cancelDeleted(
    brandId: string,
    files: string[],
    now: Date,
    report: SyncReport,
  ): Promise<void> {
    const orphans = await this.dataSource.getRepository(PostEntity).find({
      where: {
        brandId,
        state: Not(In(['published', 'publishing', 'cancelled'])),
        sourcePath: Not(In(files.length > 0 ? files : [''])),
      },
    });
    for (const post of orphans) {
      if (post.sourcePath === null) {
        continue;
      }
      await this.dataSource.transaction(async (manager) => {
        if (
          await this.states.transition(manager, post, 'cancelled', {
            actor: ACTOR,
            reason: `file ${post.sourcePath} was deleted`,
            at: now,
          })
        ) {
          await this.approvals.skipOpen(manager, post.id);
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
    const underWay = await this.dataSource.getRepository(PostEntity).find({
      where: { brandId, state: 'publishing', sourcePath: Not(In(files.length > 0 ? files : [''])) },
    });
    for (const post of underWay) {
      if (post.sourcePath === null) {
        continue;
      }
      const reason = `file ${post.sourcePath} was deleted`;
      const cancelled = await this.events.run(async (manager) => {
        const variants = manager.getRepository(PostVariantEntity);
        const all = await variants.findBy({ postId: post.id });
        const waiting = all.filter((variant) => variant.state === 'scheduled');
        if (waiting.length === 0) {
          return false;
        }
        if (waiting.length === all.length) {
          // Nothing went out: back to scheduled, then cancelled like any scheduled post (its variants follow).
          await this.states.transition(manager, post, 'scheduled', { actor: ACTOR, reason, at: now });
          return this.states.transition(manager, post, 'cancelled', { actor: ACTOR, reason, at: now });
        }
        for (const variant of waiting) {
          const moved = await variants.update(
            { id: variant.id, state: 'scheduled' },
            { state: 'cancelled', lastError: reason, updatedAt: now },
          );
          if (moved.affected === 1) {
            variant.state = 'cancelled';
            await this.audit.append(
              {
                actor: ACTOR,
                action: 'variant.cancelled',
                subjectType: 'variant',
                subjectId: variant.id,
                data: { reason },
                at: now,
              },
              manager,
            );
          }
        }
        for (const step of postSettlement(post.state, all)) {
          await this.states.transition(manager, post, step.to, {
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

  private async channelIds(brandId: string): Promise<Map<string, string>> {
    const rows = await this.dataSource.getRepository(ChannelEntity).findBy({ brandId });
    return new Map(rows.map((row) => [row.key, row.id]));
  }
}
