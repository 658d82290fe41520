import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ApprovalDecisionEntity, type ApprovalDecisionKind } from '../../approvals/approval-decision.entity';
import { ApprovalEntity } from '../../approvals/approval.entity';
import { ApprovalService, type DecisionOutcome } from '../../approvals/approval.service';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import { PostQueryService, type PendingApproval } from '../../content/post-query.service';
import { PostRepository } from '../../content/post.repository';
import { TransactionContext } from '../../persistence/transaction-context';
import type { WebUser } from '../web-user';
import { dueWords } from './due-words';

export type ApprovalsTab = 'mine' | 'all';
export type DueState = 'overdue' | 'on-time';

/** One open approval step as the Approvals screen shows it. */
export interface ApprovalRow {
  postId: string;
  title: string;
  brand: string;
  brandName: string;
  zone: string;
  channels: string[];
  step: string;
  mode: 'any' | 'all';
  dueAt: string;
  due: string;
  overdue: boolean;
  /** Who the step still waits on, by name ("any of" for a step one approval completes). */
  waitingOn: string;
  /** The signed-in person may decide this step now (an approver of it who has not approved yet). */
  myTurn: boolean;
}

/** A decision of the web app, as the signed-in person. */
export interface WebDecision {
  postId: string;
  decision: ApprovalDecisionKind;
  comment?: string;
  via?: string;
}

export const DECISION_LABELS: Record<ApprovalDecisionKind, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  request_changes: 'Changes requested',
};

/**
 * The reads and the decision behind the Approvals screen: the open step of every post in review on the
 * person's brands (PostQueryService, as the API and CLI list them), and decisions through ApprovalService
 * (the same rows and audit as `metronome approvals approve` and POST /api/v1/posts/:id/decisions).
 */
@Injectable()
export class ApprovalRows {
  constructor(
    private readonly queries: PostQueryService,
    private readonly approvals: ApprovalService,
    private readonly posts: PostRepository,
    private readonly config: ConfigService,
    private readonly clock: Clock,
    private readonly transactions: TransactionContext,
  ) {}

  /**
   * `mine`: the steps whose turn is the person's; `all`: every open step on their brands. The earliest
   * `limit` deadlines, and how many there are in all (`total`; for `mine`, steps naming the person).
   */
  async rows(
    user: WebUser,
    filter: { tab: ApprovalsTab; brand?: string; due?: DueState },
    limit = 100,
  ): Promise<{ rows: ApprovalRow[]; total: number }> {
    const brands = user.brandsWhere('view').filter((id) => !filter.brand || id === filter.brand);
    const now = this.clock.now();
    const query = {
      brands,
      now,
      due: filter.due,
      person: filter.tab === 'mine' ? user.person : undefined,
    };
    // "mine" drops steps the person already approved (an "all" step): read a little more than a page.
    const pending = await this.queries.pendingApprovals({
      ...query,
      limit: filter.tab === 'mine' ? limit * 3 : limit,
    });
    const channels = await this.queries.channelsOfPosts(pending.map((row) => row.postId));
    const rows = pending
      .map((row) =>
        this.row(
          row,
          user.person,
          (channels.get(row.postId) ?? []).map((c) => c.channel),
          now,
        ),
      )
      .filter((row) => filter.tab === 'all' || row.myTurn)
      .slice(0, limit);
    const total = pending.length < limit ? rows.length : await this.queries.countPendingApprovals(query);
    return { rows, total: Math.max(total, rows.length) };
  }

  /** Decides the open step of a post as the signed-in person; refuses a post of a brand they cannot decide on. */
  async decide(user: WebUser, input: WebDecision): Promise<DecisionOutcome> {
    const post = await this.posts.byId(input.postId);
    user.requireOn(post?.brandId, 'approve', `post with id ${input.postId}`, 'deciding its approvals');
    return this.approvals.decide({
      postId: input.postId,
      person: user.person,
      decision: input.decision,
      comment: input.comment,
      ...(input.via ? { via: input.via } : {}),
    });
  }

  /** A post's title, if the person may see it (for the outcome notice after a plain-form decision). */
  async visibleTitle(user: WebUser, postId: string): Promise<{ title: string; state: string } | undefined> {
    const post = await this.posts.byId(postId);
    return post && user.can(post.brandId, 'view') ? { title: post.title, state: post.state } : undefined;
  }

  /** The person has decided a step of this post (so the page may say their decision is recorded). */
  async hasDecided(user: WebUser, postId: string): Promise<boolean> {
    const manager = this.transactions.manager;
    const steps = await manager.getRepository(ApprovalEntity).findBy({ postId });
    if (steps.length === 0) {
      return false;
    }
    return manager
      .getRepository(ApprovalDecisionEntity)
      .existsBy({ approvalId: In(steps.map((step) => step.id)), person: user.person });
  }

  brandName(brandId: string): string {
    return this.config.loaded.config.brands[brandId]?.name ?? brandId;
  }

  personName(person: string): string {
    return this.config.loaded.config.people[person]?.name ?? person;
  }

  private row(row: PendingApproval, person: string, channels: string[], now: Date): ApprovalRow {
    const config = this.config.loaded.config;
    const waiting =
      row.mode === 'all' ? row.approvers.filter((p) => !row.approvedBy.includes(p)) : row.approvers;
    const names = waiting.map((p) => this.personName(p)).join(', ');
    return {
      postId: row.postId,
      title: row.title,
      brand: row.brand,
      brandName: this.brandName(row.brand),
      zone: config.brands[row.brand]?.timezone ?? config.organisation.timezone,
      channels,
      step: row.step,
      mode: row.mode,
      dueAt: row.dueAt,
      due: dueWords(new Date(row.dueAt), now),
      overdue: row.overdue,
      waitingOn: row.mode === 'any' && waiting.length > 1 ? `any of ${names}` : names,
      myTurn: waiting.includes(person),
    };
  }
}
