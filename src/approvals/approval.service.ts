import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { PostStateService } from '../content/post-state.service';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import {
  ApprovalDecisionEntity,
  ApprovalDecisionKind,
} from '../persistence/entities/approval-decision.entity';
import { ApprovalEntity } from '../persistence/entities/approval.entity';
import { PostEntity } from '../persistence/entities/post.entity';
import { ApprovalStepPlan } from './approval-chain';
import { InvalidError, NotFoundError } from '../errors/domain.error';

export interface DecisionInput {
  postId: string;
  person: string;
  decision: ApprovalDecisionKind;
  comment?: string;
  at?: Date;
}

export interface DecisionOutcome {
  post: PostEntity;
  step: ApprovalEntity;
  /** The post's state after the decision. */
  postState: PostEntity['state'];
}

/**
 * Approval chains: steps in order, any/all approvers, deadlines relative to publishing. Rejecting or
 * asking for changes sends the post back to draft with the reason; the last approval schedules it.
 */
@Injectable()
export class ApprovalService {
  constructor(
    private readonly states: PostStateService,
    private readonly audit: AuditRepository,
    private readonly events: TransactionalEvents,
  ) {}

  /** Opens the steps for a post that was just submitted. With no steps the post is approved at once. */
  async open(
    manager: EntityManager,
    post: PostEntity,
    steps: ApprovalStepPlan[],
    actor: string,
    at: Date,
  ): Promise<void> {
    await this.skipOpen(manager, post.id);
    const repository = manager.getRepository(ApprovalEntity);
    for (const [stepIndex, step] of steps.entries()) {
      await repository.insert(
        repository.create({
          postId: post.id,
          stepIndex,
          stepName: step.name,
          mode: step.mode,
          approvers: step.approvers,
          dueAt: step.dueAt,
          status: 'pending',
        }),
      );
    }
    if (steps.length === 0) {
      await this.states.transition(manager, post, 'approved', { actor, reason: 'no approval chain', at });
      await this.scheduleIfTimed(manager, post, actor, at);
    }
  }

  /** Closes every open step of a post (its content changed, or it was cancelled). */
  async skipOpen(manager: EntityManager, postId: string): Promise<void> {
    await manager
      .getRepository(ApprovalEntity)
      .update({ postId, status: In(['pending', 'approved']) }, { status: 'skipped' });
  }

  async decide(input: DecisionInput): Promise<DecisionOutcome> {
    const at = input.at ?? new Date();
    return this.events.run(async (manager) => {
      const post = await manager.getRepository(PostEntity).findOneBy({ id: input.postId });
      if (!post) {
        throw new NotFoundError(`no post with id ${input.postId}: see \`metronome approvals list\``);
      }
      if (post.state !== 'in_review') {
        throw new InvalidError(`post "${post.title}" is ${post.state}, not waiting for approval`);
      }
      const steps = await manager
        .getRepository(ApprovalEntity)
        .find({ where: { postId: post.id, status: 'pending' }, order: { stepIndex: 'ASC' } });
      const step = steps[0];
      if (!step) {
        throw new InvalidError(`post "${post.title}" has no open approval step`);
      }
      if (!step.approvers.includes(input.person)) {
        throw new InvalidError(
          `${input.person} is not an approver of step "${step.stepName}" (approvers: ${step.approvers.join(', ')})`,
        );
      }
      const decisions = manager.getRepository(ApprovalDecisionEntity);
      await decisions.insert(
        decisions.create({
          approvalId: step.id,
          person: input.person,
          decision: input.decision,
          comment: input.comment ?? null,
          decidedAt: at,
        }),
      );
      await this.audit.append(
        {
          actor: input.person,
          action: 'approval.decided',
          subjectType: 'post',
          subjectId: post.id,
          data: {
            step: step.stepName,
            decision: input.decision,
            ...(input.comment ? { comment: input.comment } : {}),
            overdue: at > step.dueAt,
          },
          at,
        },
        manager,
      );
      this.events.record(manager, {
        type: 'approval.decided',
        brandId: post.brandId,
        subject: { type: 'approval', id: step.id },
        at,
        data: { decision: input.decision, by: input.person, comment: input.comment ?? null },
      });
      if (input.decision === 'approve') {
        const approvedBy = new Set(
          (await decisions.findBy({ approvalId: step.id, decision: 'approve' })).map(
            (decision) => decision.person,
          ),
        );
        const complete = step.mode === 'any' || step.approvers.every((person) => approvedBy.has(person));
        if (complete) {
          step.status = 'approved';
          await manager.getRepository(ApprovalEntity).update({ id: step.id }, { status: 'approved' });
          if (steps.length === 1) {
            await this.states.transition(manager, post, 'approved', { actor: input.person, at });
            await this.scheduleIfTimed(manager, post, input.person, at);
          }
        }
      } else {
        const status = input.decision === 'reject' ? 'rejected' : 'changes_requested';
        step.status = status;
        await manager.getRepository(ApprovalEntity).update({ id: step.id }, { status });
        const verb = input.decision === 'reject' ? 'rejected' : 'changes requested';
        const reason = `${verb} by ${input.person} at "${step.stepName}"${input.comment ? `: ${input.comment}` : ''}`;
        await this.states.transition(manager, post, 'draft', { actor: input.person, reason, at });
        await this.skipOpen(manager, post.id);
      }
      return { post, step, postState: post.state };
    });
  }

  private async scheduleIfTimed(
    manager: EntityManager,
    post: PostEntity,
    actor: string,
    at: Date,
  ): Promise<void> {
    if (post.publishAt) {
      await this.states.transition(manager, post, 'scheduled', { actor, at });
    }
  }
}
