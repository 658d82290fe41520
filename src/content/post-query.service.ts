import { Injectable } from '@nestjs/common';
import { ApprovalRepository } from '../approvals/approval.repository';
import { Clock } from '../clock/clock';
import type { PublishState } from './post.entity';
import { PostFilter, PostListingRepository } from './post-listing.repository';

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
  constructor(
    private readonly listing: PostListingRepository,
    private readonly approvals: ApprovalRepository,
    private readonly clock: Clock,
  ) {}

  /** `brands` limits the list to those brands (an API token limited to them). */
  async listPosts(filter: PostFilter): Promise<PostSummary[]> {
    const posts = await this.listing.posts(filter);
    const channels = new Map<string, PostSummary['channels']>();
    for (const { postId, ...rest } of await this.listing.channelsOf(posts.map((post) => post.id))) {
      channels.set(postId, [...(channels.get(postId) ?? []), rest]);
    }
    return posts.map((post) => ({
      id: post.id,
      brand: post.brandId,
      title: post.title,
      state: post.state,
      publishAt: post.publishAt?.toISOString() ?? null,
      reason: post.stateReason,
      file: post.sourcePath,
      campaign: post.campaign,
      channels: channels.get(post.id) ?? [],
    }));
  }

  /** How many open steps `pendingApprovals` lists without a limit. */
  countPendingApprovals(filter: {
    brand?: string;
    brands?: readonly string[];
    person?: string;
    due?: 'overdue' | 'on-time';
    now?: Date;
  }): Promise<number> {
    return this.approvals.countPendingInReview({
      ...filter,
      approver: filter.person,
      now: filter.now ?? this.clock.now(),
    });
  }

  /** The channels of these posts, by post id (a page's worth; for a listing use `listPosts`). */
  async channelsOfPosts(postIds: readonly string[]): Promise<Map<string, PostSummary['channels']>> {
    const channels = new Map<string, PostSummary['channels']>();
    for (const { postId, ...rest } of await this.listing.channelsOf([...postIds])) {
      channels.set(postId, [...(channels.get(postId) ?? []), rest]);
    }
    return channels;
  }

  /** The open step of every post in review, oldest deadline first (`limit`: the first so many). */
  async pendingApprovals(filter: {
    brand?: string;
    brands?: readonly string[];
    person?: string;
    overdueOnly?: boolean;
    due?: 'overdue' | 'on-time';
    now?: Date;
    limit?: number;
  }): Promise<PendingApproval[]> {
    const now = filter.now ?? this.clock.now();
    const due = filter.overdueOnly ? 'overdue' : filter.due;
    // The repository lists only each post's current step, filtered by approver and due in SQL.
    const current = (
      await this.approvals.pendingInReview({ ...filter, approver: filter.person, due, now })
    ).filter((row) => !filter.person || row.approvers.includes(filter.person));
    const approvedBy = new Map<string, string[]>();
    for (const decision of await this.approvals.approvalsOf(current.map((row) => row.id))) {
      approvedBy.set(decision.approvalId, [...(approvedBy.get(decision.approvalId) ?? []), decision.person]);
    }
    return current.map((row) => ({
      postId: row.postId,
      brand: row.post.brandId,
      title: row.post.title,
      publishAt: row.post.publishAt?.toISOString() ?? null,
      step: row.stepName,
      mode: row.mode,
      approvers: row.approvers,
      approvedBy: approvedBy.get(row.id) ?? [],
      dueAt: row.dueAt.toISOString(),
      overdue: row.dueAt < now,
    }));
  }
}
