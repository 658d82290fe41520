import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../persistence/audit.repository';
import type { PostVariantEntity } from './post-variant.entity';
import type { PublishState } from '../content/post.entity';
import { PostVariantRepository, type VariantChanges } from './post-variant.repository';

/**
 * Moves one channel variant of a post through publishing: a conditional UPDATE on the state the caller
 * saw plus an audit event, in the transaction open in this async context (if any). A worker that loses the
 * race gets `false`.
 */
@Injectable()
export class VariantStateService {
  constructor(
    private readonly variants: PostVariantRepository,
    private readonly audit: AuditRepository,
  ) {}

  /**
   * Renews this worker's claim on a variant it holds (a heartbeat, not a transition: no audit row), so a
   * reconcile elsewhere does not take it for a dead worker's. False when it was reconciled meanwhile: the
   * claim is lost and the variant must not be sent.
   */
  async refreshClaim(variant: PostVariantEntity, at: Date): Promise<boolean> {
    const renewed = await this.variants.refreshClaim(variant.id, variant.updatedAt, at);
    if (renewed) {
      variant.updatedAt = at;
    }
    return renewed;
  }

  async move(
    variant: PostVariantEntity,
    to: PublishState,
    changes: VariantChanges,
    options: {
      actor: string;
      at: Date;
      reason?: string;
      /** Move only if nobody touched the row since this `updated_at` (a live worker renewing its claim, say). */
      unchangedSince?: Date;
    },
  ): Promise<boolean> {
    const from = variant.state;
    if (
      !(await this.variants.move(
        variant.id,
        { from, to, at: options.at, unchangedSince: options.unchangedSince },
        changes,
      ))
    ) {
      return false;
    }
    await this.audit.append({
      actor: options.actor,
      action: 'variant.state_changed',
      subjectType: 'post_variant',
      subjectId: variant.id,
      data: { postId: variant.postId, from, to, ...(options.reason ? { reason: options.reason } : {}) },
      at: options.at,
    });
    Object.assign(variant, changes, { state: to, updatedAt: options.at });
    return true;
  }
}
