import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ApprovalDecisionEntity, ApprovalDecisionKind } from './approval-decision.entity';
import { ApprovalEntity, ApprovalStatus } from './approval.entity';
import { PostEntity } from '../content/post.entity';
import { TransactionContext } from '../persistence/transaction-context';
import { toDbInstant } from '../persistence/instant-column.decorator';
import type { ApprovalStepPlan } from './approval-chain';

/** A decision to store on an approval step. */
export interface NewDecision {
  approvalId: string;
  person: string;
  decision: ApprovalDecisionKind;
  comment: string | null;
  decidedAt: Date;
}

/** A pending step with the post it belongs to. */
export type PendingStep = ApprovalEntity & { post: PostEntity };

export interface PendingStepFilter {
  brand?: string;
  brands?: readonly string[];
  /** Only steps naming this person among their approvers. */
  approver?: string;
  /** Only steps overdue at `now`, or not yet due. */
  due?: 'overdue' | 'on-time';
  now?: Date;
  limit?: number;
}

/**
 * The `approvals` (a post's steps) and `approval_decisions` tables. Every method works in the transaction open in
 * the TransactionContext, if any.
 */
@Injectable()
export class ApprovalRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** Stores the steps of a post's chain, in order, all pending. */
  async insertSteps(postId: string, steps: readonly ApprovalStepPlan[]): Promise<void> {
    const repository = this.transactions.manager.getRepository(ApprovalEntity);
    for (const [stepIndex, step] of steps.entries()) {
      await repository.insert(
        repository.create({
          postId,
          stepIndex,
          stepName: step.name,
          mode: step.mode,
          approvers: step.approvers,
          dueAt: step.dueAt,
          status: 'pending',
        }),
      );
    }
  }

  /** Marks every pending or approved step of a post skipped. */
  async skipOpen(postId: string): Promise<void> {
    await this.transactions.manager
      .getRepository(ApprovalEntity)
      .update({ postId, status: In(['pending', 'approved']) }, { status: 'skipped' });
  }

  /** A post's pending steps, first step first. */
  pendingStepsOf(postId: string): Promise<ApprovalEntity[]> {
    return this.transactions.manager
      .getRepository(ApprovalEntity)
      .find({ where: { postId, status: 'pending' }, order: { stepIndex: 'ASC' } });
  }

  async setStatus(approvalId: string, status: ApprovalStatus): Promise<void> {
    await this.transactions.manager.getRepository(ApprovalEntity).update({ id: approvalId }, { status });
  }

  async insertDecision(decision: NewDecision): Promise<void> {
    const repository = this.transactions.manager.getRepository(ApprovalDecisionEntity);
    await repository.insert(repository.create(decision));
  }

  /** Who approved these steps, as (step id, person) pairs. */
  async approvalsOf(approvalIds: readonly string[]): Promise<Array<{ approvalId: string; person: string }>> {
    if (approvalIds.length === 0) {
      return [];
    }
    const rows = await this.transactions.manager
      .getRepository(ApprovalDecisionEntity)
      .findBy({ approvalId: In([...approvalIds]), decision: 'approve' });
    return rows.map(({ approvalId, person }) => ({ approvalId, person }));
  }

  /**
   * The current step (the first pending one) of each post in review, of one brand or some (or all), earliest
   * deadline first; `approver` keeps the steps naming that person, `due` those overdue or not at `now`, and
   * `limit` the first so many (a brand may have thousands in review).
   */
  pendingInReview(filter: PendingStepFilter): Promise<PendingStep[]> {
    const query = this.pendingQuery(filter)
      .orderBy('approval.due_at', 'ASC')
      .addOrderBy('approval.id', 'ASC');
    if (filter.limit !== undefined) {
      query.limit(filter.limit);
    }
    return query.getMany() as Promise<PendingStep[]>;
  }

  /** How many steps `pendingInReview` would list without its limit. */
  countPendingInReview(filter: PendingStepFilter): Promise<number> {
    return this.pendingQuery(filter).getCount();
  }

  private pendingQuery(filter: PendingStepFilter) {
    const query = this.transactions.manager
      .getRepository(ApprovalEntity)
      .createQueryBuilder('approval')
      .innerJoinAndMapOne('approval.post', PostEntity, 'post', 'post.id = approval.post_id')
      .where("approval.status = 'pending'")
      .andWhere("post.state = 'in_review'")
      .andWhere(
        "NOT EXISTS (SELECT 1 FROM approvals earlier WHERE earlier.post_id = approval.post_id AND earlier.status = 'pending' AND earlier.step_index < approval.step_index)",
      );
    if (filter.brand) {
      query.andWhere('post.brand_id = :brand', { brand: filter.brand });
    }
    if (filter.brands) {
      query.andWhere(filter.brands.length ? 'post.brand_id IN (:...brands)' : '1 = 0', {
        brands: filter.brands,
      });
    }
    if (filter.approver) {
      // approvers is a JSON array of ids: a first cut in SQL; callers still check the parsed list.
      query.andWhere('approval.approvers LIKE :approver', {
        approver: `%${JSON.stringify(filter.approver)}%`,
      });
    }
    if (filter.due && filter.now) {
      query.andWhere(filter.due === 'overdue' ? 'approval.due_at < :now' : 'approval.due_at >= :now', {
        now: toDbInstant(filter.now),
      });
    }
    return query;
  }
}
