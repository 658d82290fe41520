import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditRepository } from '../persistence/audit.repository';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import type { PublishState } from '../persistence/entities/post.entity';

/**
 * Moves one channel variant of a post through publishing: a conditional UPDATE on the state the caller
 * saw plus an audit event, in the caller's transaction. A worker that loses the race gets `false`.
 */
@Injectable()
export class VariantStateService {
  constructor(private readonly audit: AuditRepository) {}

  async move(
    manager: EntityManager,
    variant: PostVariantEntity,
    to: PublishState,
    changes: Partial<
      Pick<
        PostVariantEntity,
        'attempts' | 'lastError' | 'remoteId' | 'remoteUrl' | 'publishedAt' | 'scheduledAt'
      >
    >,
    options: { actor: string; at: Date; reason?: string },
  ): Promise<boolean> {
    const from = variant.state;
    const result = await manager
      .createQueryBuilder()
      .update(PostVariantEntity)
      .set({ ...changes, state: to, updatedAt: options.at })
      .where('id = :id AND state = :from', { id: variant.id, from })
      .execute();
    if ((result.affected ?? 0) !== 1) {
      return false;
    }
    await this.audit.append(
      {
        actor: options.actor,
        action: 'variant.state_changed',
        subjectType: 'post_variant',
        subjectId: variant.id,
        data: { postId: variant.postId, from, to, ...(options.reason ? { reason: options.reason } : {}) },
        at: options.at,
      },
      manager,
    );
    Object.assign(variant, changes, { state: to });
    return true;
  }
}
