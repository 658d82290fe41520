import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApprovalDecisionEntity } from '../persistence/entities/approval-decision.entity';
import { ApprovalEntity } from '../persistence/entities/approval.entity';
import { ChannelEntity } from '../persistence/entities/channel.entity';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { PostEntity, PublishState } from '../persistence/entities/post.entity';

export interface PostSummary {
  id: string;
  brand: string;
  title: string;
  state: PublishState;
  publishAt: string | null;
  reason: string | null;
  file: string | null;
  campaign: string | null;
  channels: Array<{
    channel: string;
    state: PublishState;
    remoteUrl: string | null;
    lastError: string | null;
  }>;
}

export interface PendingApproval {
  postId: string;
  brand: string;
  title: string;
  publishAt: string | null;
  step: string;
  mode: 'any' | 'all';
  approvers: string[];
  approvedBy: string[];
  dueAt: string;
  overdue: boolean;
}

/** Read models for people: what is planned, where it stands, and what waits on whom. */
@Injectable()
export class PostQueryService {
  constructor(private readonly dataSource: DataSource) {}

  /** `brands` limits the list to those brands (an API token limited to them). */
  async listPosts(filter: {
    brand?: string;
    brands?: readonly string[];
    state?: PublishState;
    limit?: number;
  }): Promise<PostSummary[]> {
    const query = this.dataSource
      .getRepository(PostEntity)
      .createQueryBuilder('post')
      .orderBy('post.publish_at', 'ASC')
      .addOrderBy('post.title', 'ASC')
      .limit(filter.limit ?? 200);
    if (filter.brand) {
      query.andWhere('post.brand_id = :brand', { brand: filter.brand });
    }
    if (filter.brands) {
      query.andWhere(filter.brands.length ? 'post.brand_id IN (:...brands)' : '1 = 0', {
        brands: filter.brands,
      });
    }
    if (filter.state) {
      query.andWhere('post.state = :state', { state: filter.state });
    }
    const posts = await query.getMany();
    const variants = posts.length
      ? await this.dataSource
          .getRepository(PostVariantEntity)
          .createQueryBuilder('variant')
          .innerJoin(ChannelEntity, 'channel', 'channel.id = variant.channel_id')
          .where('variant.post_id IN (:...ids)', { ids: posts.map((p) => p.id) })
          .select([
            'variant.post_id AS "postId"',
            'channel.key AS "channel"',
            'variant.state AS "state"',
            'variant.remote_url AS "remoteUrl"',
            'variant.last_error AS "lastError"',
          ])
          .getRawMany<{
            postId: string;
            channel: string;
            state: PublishState;
            remoteUrl: string | null;
            lastError: string | null;
          }>()
      : [];
    return posts.map((post) => ({
      id: post.id,
      brand: post.brandId,
      title: post.title,
      state: post.state,
      publishAt: post.publishAt?.toISOString() ?? null,
      reason: post.stateReason,
      file: post.sourcePath,
      campaign: post.campaign,
      channels: variants.filter((v) => v.postId === post.id).map(({ postId: _postId, ...rest }) => rest),
    }));
  }

  /** The open step of every post in review, oldest deadline first. */
  async pendingApprovals(filter: {
    brand?: string;
    brands?: readonly string[];
    person?: string;
    overdueOnly?: boolean;
    now?: Date;
  }): Promise<PendingApproval[]> {
    const now = filter.now ?? new Date();
    const query = this.dataSource
      .getRepository(ApprovalEntity)
      .createQueryBuilder('approval')
      .innerJoinAndMapOne('approval.post', PostEntity, 'post', 'post.id = approval.post_id')
      .where("approval.status = 'pending'")
      .andWhere("post.state = 'in_review'")
      .orderBy('approval.due_at', 'ASC');
    if (filter.brand) {
      query.andWhere('post.brand_id = :brand', { brand: filter.brand });
    }
    if (filter.brands) {
      query.andWhere(filter.brands.length ? 'post.brand_id IN (:...brands)' : '1 = 0', {
        brands: filter.brands,
      });
    }
    const rows = (await query.getMany()) as Array<ApprovalEntity & { post: PostEntity }>;
    // Only the first pending step of each post is actionable.
    const current = rows
      .filter((row) => !rows.some((other) => other.postId === row.postId && other.stepIndex < row.stepIndex))
      .filter((row) => !filter.person || row.approvers.includes(filter.person))
      .filter((row) => !filter.overdueOnly || row.dueAt < now);
    const decisions = current.length
      ? await this.dataSource
          .getRepository(ApprovalDecisionEntity)
          .createQueryBuilder('decision')
          .where('decision.approval_id IN (:...ids)', { ids: current.map((row) => row.id) })
          .andWhere("decision.decision = 'approve'")
          .getMany()
      : [];
    return current.map((row) => ({
      postId: row.postId,
      brand: row.post.brandId,
      title: row.post.title,
      publishAt: row.post.publishAt?.toISOString() ?? null,
      step: row.stepName,
      mode: row.mode,
      approvers: row.approvers,
      approvedBy: decisions.filter((d) => d.approvalId === row.id).map((d) => d.person),
      dueAt: row.dueAt.toISOString(),
      overdue: row.dueAt < now,
    }));
  }
}
