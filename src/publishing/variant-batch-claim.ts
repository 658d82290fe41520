import { Injectable } from '@nestjs/common';
import { PostStateService } from '../content/post-state.service';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import type { PostVariantEntity } from './post-variant.entity';
import { PublishBatchRepository } from './publish-batch.repository';

/**
 * Claims many scheduled variants at once: per chunk one conditional UPDATE … WHERE id IN (…) AND state =
 * 'scheduled' (PublishBatchRepository.claimScheduled), a multi-row INSERT of the audit rows, and the same for
 * the posts that start publishing (PostStateService.transitionMany, scheduled → publishing).
 */
@Injectable()
export class VariantBatchClaim {
  constructor(
    private readonly batch: PublishBatchRepository,
    private readonly audit: AuditRepository,
    private readonly postStates: PostStateService,
    private readonly events: TransactionalEvents,
  ) {}

  /**
   * In one transaction (with its events). Returns the variants this caller won, updated in place; any other
   * worker that raced for them gets nothing.
   */
  claim(variants: PostVariantEntity[], options: { actor: string; at: Date }): Promise<PostVariantEntity[]> {
    return this.events.run(() => this.claimChunks(variants, options));
  }

  private async claimChunks(
    variants: PostVariantEntity[],
    options: { actor: string; at: Date },
  ): Promise<PostVariantEntity[]> {
    const won: PostVariantEntity[] = [];
    const size = PublishBatchRepository.CLAIM_CHUNK;
    for (let start = 0; start < variants.length; start += size) {
      const chunk = variants.slice(start, start + size);
      const claimed = await this.batch.claimScheduled(
        chunk.map((variant) => variant.id),
        options.at,
      );
      const mine = chunk.filter((variant) => claimed.has(variant.id));
      if (mine.length === 0) {
        continue;
      }
      await this.audit.appendMany(
        mine.map((variant) => ({
          at: options.at,
          actor: options.actor,
          action: 'variant.state_changed',
          subjectType: 'post_variant',
          subjectId: variant.id,
          data: { postId: variant.postId, from: 'scheduled', to: 'publishing' },
        })),
      );
      await this.postStates.transitionMany(
        [...new Set(mine.map((variant) => variant.postId))],
        { from: 'scheduled', to: 'publishing' },
        options,
      );
      for (const variant of mine) {
        variant.state = 'publishing';
        variant.attempts += 1;
        variant.updatedAt = options.at;
        won.push(variant);
      }
    }
    return won;
  }
}
