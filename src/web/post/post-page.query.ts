import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { ApprovalDecisionEntity } from '../../approvals/approval-decision.entity';
import { ApprovalEntity } from '../../approvals/approval.entity';
import { ChannelEntity } from '../../channels/channel.entity';
import { PostEntity } from '../../content/post.entity';
import { AuditEventEntity } from '../../persistence/entities/audit-event.entity';
import { PostVariantEntity } from '../../publishing/post-variant.entity';

/** The most audit rows the page shows (newest first). */
export const AUDIT_ROWS_SHOWN = 200;

/** What the post page reads: the post, its variants and their channels, its approval steps and its audit trail. */
export interface PostPageData {
  post: PostEntity;
  variants: Array<{ variant: PostVariantEntity; channel: ChannelEntity | undefined }>;
  steps: ApprovalEntity[];
  decisions: ApprovalDecisionEntity[];
  audit: AuditEventEntity[];
  /** More audit rows exist than were read. */
  moreAudit: boolean;
}

/**
 * Reads for the post page only (nothing here changes anything): the post's rows as the services wrote them. The
 * audit trail is the post's own events and those of its variants (`post_variant`, and `variant` for cancellations).
 */
@Injectable()
export class PostPageQuery {
  constructor(private readonly dataSource: DataSource) {}

  async load(postId: string): Promise<PostPageData | undefined> {
    const manager = this.dataSource.manager;
    const post = await manager.getRepository(PostEntity).findOneBy({ id: postId });
    if (!post) {
      return undefined;
    }
    const variants = await manager.getRepository(PostVariantEntity).find({ where: { postId } });
    const channels =
      variants.length > 0
        ? await manager.getRepository(ChannelEntity).findBy({ id: In(variants.map((v) => v.channelId)) })
        : [];
    variants.sort((a, b) => {
      const ka = channels.find((c) => c.id === a.channelId)?.key ?? a.channelId;
      const kb = channels.find((c) => c.id === b.channelId)?.key ?? b.channelId;
      return ka.localeCompare(kb);
    });
    const steps = await manager
      .getRepository(ApprovalEntity)
      .find({ where: { postId }, order: { stepIndex: 'ASC', dueAt: 'ASC' } });
    const decisions =
      steps.length > 0
        ? await manager.getRepository(ApprovalDecisionEntity).find({
            where: { approvalId: In(steps.map((s) => s.id)) },
            order: { decidedAt: 'ASC' },
          })
        : [];
    const query = manager
      .getRepository(AuditEventEntity)
      .createQueryBuilder('event')
      .where('(event.subject_type = :post AND event.subject_id = :id)', { post: 'post', id: postId });
    if (variants.length > 0) {
      query.orWhere('(event.subject_type IN (:...types) AND event.subject_id IN (:...variantIds))', {
        types: ['post_variant', 'variant'],
        variantIds: variants.map((v) => v.id),
      });
    }
    const audit = await query
      .orderBy('event.id', 'DESC')
      .limit(AUDIT_ROWS_SHOWN + 1)
      .getMany();
    return {
      post,
      variants: variants.map((variant) => ({
        variant,
        channel: channels.find((c) => c.id === variant.channelId),
      })),
      steps,
      decisions,
      audit: audit.slice(0, AUDIT_ROWS_SHOWN),
      moreAudit: audit.length > AUDIT_ROWS_SHOWN,
    };
  }
}
