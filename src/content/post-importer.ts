import { Injectable } from '@nestjs/common';
import { dirname, resolve } from 'node:path';
import { approvalLeadTimeMs, planApprovalSteps } from '../approvals/approval-chain';
import { ApprovalService } from '../approvals/approval.service';
import type { ConfigIssue } from '../config/config-issue';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import type { PostEntity } from './post.entity';
import type { JsonColumnValue } from '../persistence/json-value';
import { mimeTypeOf } from './channel-content';
import type { ContentFile } from './content-file.reader';
import type { PostPlan } from './post-plan.resolver';
import { PostSlotter } from './post-slotter';
import { PostStateService } from './post-state.service';
import { PostRepository, VariantContent } from './post.repository';

/** Who plan sync's changes are audited as. */
export const PLAN_SYNC_ACTOR = 'plan-sync';

const FINAL_STATES = ['publishing', 'published'] as const;

/** What importing one file did, for the sync report. */
export interface ImportReport {
  created: string[];
  updated: string[];
  unchanged: number;
  /** Files changed after their post was published: never rewritten. */
  keptPublished: string[];
  issues: ConfigIssue[];
}

export interface ImportInput {
  brandId: string;
  brand: BrandConfig;
  content: ContentFile;
  plan: PostPlan;
  channelIds: Map<string, string>;
  now: Date;
  missedGraceMs: number;
  report: ImportReport;
}

/**
 * Turns one valid content file into its post, in the caller's transaction (`TransactionalEvents.run`): a new file
 * becomes a post, an edited file updates its unpublished post and restarts its approvals, a published post is never
 * rewritten. The post is placed in time (its fixed time or the next free slot) and submitted unless it is a draft.
 */
@Injectable()
export class PostImporter {
  constructor(
    private readonly posts: PostRepository,
    private readonly states: PostStateService,
    private readonly approvals: ApprovalService,
    private readonly audit: AuditRepository,
    private readonly slotter: PostSlotter,
    private readonly events: TransactionalEvents,
  ) {}

  async importFile(input: ImportInput): Promise<void> {
    const { brandId, content, report, now } = input;
    let post = await this.posts.bySourcePath(brandId, content.sourcePath);
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
    post ??= this.posts.newPost({
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
    const unplaced = await this.placeInTime(post, input);
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
      await this.posts.insert(post);
    } else {
      await this.posts.updateContent(post.id, post);
      if (post.state !== 'draft') {
        await this.states.transition(post, 'draft', {
          actor: PLAN_SYNC_ACTOR,
          reason: 'file changed: approvals restart',
          at: now,
        });
      }
      await this.approvals.skipOpen(post.id);
    }
    await this.posts.replaceVariants(post, variantsOfFile(input), now);
    await this.audit.append({
      actor: PLAN_SYNC_ACTOR,
      action: isNew ? 'post.imported' : 'post.updated',
      subjectType: 'post',
      subjectId: post.id,
      data: { file: content.sourcePath, hash: content.hash },
      at: now,
    });
    (isNew ? report.created : report.updated).push(content.sourcePath);
    if (isNew) {
      this.events.record({
        type: 'post.imported',
        brandId,
        subject: { type: 'post', id: post.id },
        at: now,
      });
    }
    if (!fm.draft && post.publishAt && !past) {
      await this.states.transition(post, 'in_review', { actor: PLAN_SYNC_ACTOR, at: now });
      await this.approvals.open(
        post,
        planApprovalSteps(input.brand, input.plan.channels, post.publishAt),
        PLAN_SYNC_ACTOR,
        now,
      );
    }
  }

  private async placeInTime(post: PostEntity, input: ImportInput): Promise<string | undefined> {
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
    const slot = await this.slotter.nextSlot({
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
}

/** The variants the file asks for, one per channel, with their media where connectors can open them. */
function variantsOfFile(input: ImportInput): VariantContent[] {
  return input.plan.variants.map((variant) => ({
    channelId: input.channelIds.get(variant.channel) as string,
    text: variant.text,
    title: variant.title,
    // Connectors read the files: store where they are, not where they are relative to the post file.
    media: variant.media.map((item) => ({
      path: resolve(dirname(input.content.absolutePath), item.path),
      // The connector opens the file only inside this folder (checked again when it reads it).
      root: input.content.root,
      mimeType: mimeTypeOf(item.path) ?? 'application/octet-stream',
      ...(item.alt ? { altText: item.alt } : {}),
    })),
    extra: (input.content.frontMatter.overrides[variant.channel]?.extra ?? {}) as Record<
      string,
      JsonColumnValue
    >,
  }));
}
