import { Injectable } from '@nestjs/common';
import { PostStateService } from '../content/post-state.service';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import type { PostVariantEntity } from './post-variant.entity';
import type { PublishResult } from '../plugin-sdk';
import { postSettlement } from './post-settlement';
import { PublishBatchRepository, type PublishedRow } from './publish-batch.repository';
import { PostVariantRepository } from './post-variant.repository';
import { remoteIdConflicts } from './remote-id-conflicts';
import { VariantSettler } from './variant-settler.service';

/** A publish to record: the variant, what the platform answered, and the connector that answered. */
export interface SentPublish {
  variant: PostVariantEntity;
  result: PublishResult;
  connector: string;
}

/**
 * Records many publishes at once: per chunk one conditional
 * UPDATE (PublishBatchRepository.recordPublished) and a multi-row INSERT of the audit rows; then the posts
 * those variants end are settled (postSettlement) — the common case, publishing → published, as one batched
 * move with its events. The same result, audit trail and events as moving each variant on its own.
 * Per chunk one SELECT (by `idx_post_variants_channel_id_remote_id`) first finds remote ids another post of the
 * channel already holds, or that the chunk repeats: those variants fail (a connector ignoring the idempotency key)
 * and the rest are recorded. Once per chunk, not per send: a per-send check cost a fifth of bench:publish.
 */
@Injectable()
export class VariantBatchRecord {
  constructor(
    private readonly batch: PublishBatchRepository,
    private readonly variants: PostVariantRepository,
    private readonly audit: AuditRepository,
    private readonly postStates: PostStateService,
    private readonly events: TransactionalEvents,
    private readonly settler: VariantSettler,
  ) {}

  /**
   * In one transaction (with its events). Returns the variants recorded (a variant another worker settled first
   * is left out, one refused for its remote id is left `failed`).
   */
  record(sent: readonly SentPublish[], options: { actor: string; at: Date }): Promise<PostVariantEntity[]> {
    return this.events.run(() => this.recordChunks(sent, options));
  }

  private async recordChunks(
    sent: readonly SentPublish[],
    options: { actor: string; at: Date },
  ): Promise<PostVariantEntity[]> {
    const recorded: PostVariantEntity[] = [];
    const size = PublishBatchRepository.RECORD_CHUNK;
    for (let start = 0; start < sent.length; start += size) {
      const accepted = await this.refuseHeldRemoteIds(sent.slice(start, start + size), options.at);
      if (accepted.length === 0) {
        continue;
      }
      const chunk = accepted.map(({ variant, result }) => ({
        variant,
        row: {
          variantId: variant.id,
          remoteId: result.remoteId,
          remoteUrl: result.url ?? null,
          publishedAt: result.publishedAt ?? options.at,
        } satisfies PublishedRow,
      }));
      const won = await this.batch.recordPublished(
        chunk.map(({ row }) => row),
        options.at,
      );
      const mine = chunk.filter(({ variant }) => won.has(variant.id));
      await this.audit.appendMany(
        mine.map(({ variant }) => ({
          at: options.at,
          actor: options.actor,
          action: 'variant.state_changed',
          subjectType: 'post_variant',
          subjectId: variant.id,
          data: { postId: variant.postId, from: 'publishing', to: 'published' },
        })),
      );
      for (const { variant, row } of mine) {
        Object.assign(variant, {
          state: 'published',
          remoteId: row.remoteId,
          remoteUrl: row.remoteUrl,
          publishedAt: row.publishedAt,
          lastError: null,
          updatedAt: options.at,
        });
        recorded.push(variant);
      }
    }
    await this.settlePosts([...new Set(recorded.map((variant) => variant.postId))], options);
    return recorded;
  }

  /** Fails the publishes whose remote id another post holds (see remoteIdConflicts); returns the others. */
  private async refuseHeldRemoteIds(chunk: readonly SentPublish[], at: Date): Promise<SentPublish[]> {
    const claims = chunk.map(({ variant, result, connector }) => ({
      variantId: variant.id,
      postId: variant.postId,
      channelId: variant.channelId,
      remoteId: result.remoteId,
      connector,
    }));
    const holders = await this.batch.holdersOfRemoteIds(
      [...new Set(claims.map((claim) => claim.channelId))],
      [...new Set(claims.map((claim) => claim.remoteId))],
    );
    const conflicts = remoteIdConflicts(claims, holders);
    if (conflicts.size === 0) {
      return [...chunk];
    }
    for (const { variant } of chunk) {
      const reason = conflicts.get(variant.id);
      if (reason) {
        await this.settler.finish(variant, 'failed', { lastError: reason }, at, reason);
      }
    }
    return chunk.filter(({ variant }) => !conflicts.has(variant.id));
  }

  /** Settles the posts whose variants may all have ended: batched where it is publishing → published. */
  private async settlePosts(postIds: string[], options: { actor: string; at: Date }): Promise<void> {
    const toPublished: string[] = [];
    const brands = new Map<string, string>();
    const size = PublishBatchRepository.SETTLE_CHUNK;
    for (let start = 0; start < postIds.length; start += size) {
      for (const post of await this.batch.postsToSettle(postIds.slice(start, start + size))) {
        brands.set(post.id, post.brandId);
        const steps = postSettlement(post.state, post.variants);
        if (post.state === 'publishing' && steps.length === 1 && steps[0].to === 'published') {
          toPublished.push(post.id);
        } else if (steps.length > 0) {
          // Rare on this path (another channel of the post failed, say): one by one, as PostStateService does.
          const entity = await this.variants.post(post.id);
          for (const step of steps) {
            if (
              !(await this.postStates.transition(entity, step.to, {
                ...options,
                reason: step.reason,
              }))
            ) {
              break;
            }
          }
        }
      }
    }
    await this.postStates.transitionMany(
      toPublished,
      { from: 'publishing', to: 'published' },
      { ...options, brandOf: (id) => brands.get(id) ?? '' },
    );
  }
}
