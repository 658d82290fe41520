import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ApprovalDecisionEntity, ApprovalDecisionKind } from './approval-decision.entity';
import { ApprovalEntity, ApprovalStatus } from './approval.entity';
import { PostEntity } from '../content/post.entity';
import { TransactionContext } from '../persistence/transaction-context';
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

  /** The pending steps of posts in review, of one brand or some (or all), earliest deadline first. */
  pendingInReview(filter: { brand?: string; brands?: readonly string[] }): Promise<PendingStep[]> {
    const query = this.transactions.manager
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
    return query.getMany() as Promise<PendingStep[]>;
  }
}
