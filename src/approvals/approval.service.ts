import { Injectable } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { PostRepository } from '../content/post.repository';
import { PostStateService } from '../content/post-state.service';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import type { ApprovalDecisionKind } from './approval-decision.entity';
import type { ApprovalEntity } from './approval.entity';
import type { PostEntity } from '../content/post.entity';
import { ApprovalStepPlan } from './approval-chain';
import { ApprovalRepository } from './approval.repository';
import { InvalidError, NotFoundError } from '../errors/domain.error';

export interface DecisionInput {
  postId: string;
  person: string;
  decision: ApprovalDecisionKind;
  comment?: string;
  at?: Date;
  /** How the decision arrived when it is not the API or CLI (e.g. "one-click link"), kept in the audit row. */
  via?: string;
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
 * Every method works in the caller's transaction (`TransactionalEvents.run`); `decide` opens its own.
 */
@Injectable()
export class ApprovalService {
  constructor(
    private readonly states: PostStateService,
    private readonly approvals: ApprovalRepository,
    private readonly posts: PostRepository,
    private readonly audit: AuditRepository,
    private readonly events: TransactionalEvents,
    private readonly clock: Clock,
  ) {}

  /** Opens the steps for a post that was just submitted. With no steps the post is approved at once. */
  async open(post: PostEntity, steps: ApprovalStepPlan[], actor: string, at: Date): Promise<void> {
    await this.skipOpen(post.id);
    await this.approvals.insertSteps(post.id, steps);
    if (steps.length === 0) {
      await this.states.transition(post, 'approved', { actor, reason: 'no approval chain', at });
      await this.scheduleIfTimed(post, actor, at);
    }
  }

  /** Closes every open step of a post (its content changed, or it was cancelled). */
  async skipOpen(postId: string): Promise<void> {
    await this.approvals.skipOpen(postId);
  }

  async decide(input: DecisionInput): Promise<DecisionOutcome> {
    const at = input.at ?? this.clock.now();
    return this.events.run(async () => {
      const post = await this.posts.byId(input.postId);
      if (!post) {
        throw new NotFoundError(`no post with id ${input.postId}: see \`metronome approvals list\``);
      }
      if (post.state !== 'in_review') {
        throw new InvalidError(`post "${post.title}" is ${post.state}, not waiting for approval`);
      }
      const steps = await this.approvals.pendingStepsOf(post.id);
      const step = steps[0];
      if (!step) {
        throw new InvalidError(`post "${post.title}" has no open approval step`);
      }
      if (!step.approvers.includes(input.person)) {
        throw new InvalidError(
          `${input.person} is not an approver of step "${step.stepName}" (approvers: ${step.approvers.join(', ')})`,
        );
      }
      await this.approvals.insertDecision({
        approvalId: step.id,
        person: input.person,
        decision: input.decision,
        comment: input.comment ?? null,
        decidedAt: at,
      });
      await this.audit.append({
        actor: input.person,
        action: 'approval.decided',
        subjectType: 'post',
        subjectId: post.id,
        data: {
          step: step.stepName,
          decision: input.decision,
          ...(input.comment ? { comment: input.comment } : {}),
          overdue: at > step.dueAt,
          ...(input.via ? { via: input.via } : {}),
        },
        at,
      });
      this.events.record({
        type: 'approval.decided',
        brandId: post.brandId,
        subject: { type: 'approval', id: step.id },
        at,
        data: { decision: input.decision, by: input.person, comment: input.comment ?? null },
      });
      if (input.decision === 'approve') {
        const approvedBy = new Set(
          (await this.approvals.approvalsOf([step.id])).map((approval) => approval.person),
        );
        const complete = step.mode === 'any' || step.approvers.every((person) => approvedBy.has(person));
        if (complete) {
          step.status = 'approved';
          await this.approvals.setStatus(step.id, 'approved');
          if (steps.length === 1) {
            await this.states.transition(post, 'approved', { actor: input.person, at });
            await this.scheduleIfTimed(post, input.person, at);
          }
        }
      } else {
        const status = input.decision === 'reject' ? 'rejected' : 'changes_requested';
        step.status = status;
        await this.approvals.setStatus(step.id, status);
        const verb = input.decision === 'reject' ? 'rejected' : 'changes requested';
        const reason = `${verb} by ${input.person} at "${step.stepName}"${input.comment ? `: ${input.comment}` : ''}`;
        await this.states.transition(post, 'draft', { actor: input.person, reason, at });
        await this.skipOpen(post.id);
      }
      return { post, step, postState: post.state };
    });
  }

  private async scheduleIfTimed(post: PostEntity, actor: string, at: Date): Promise<void> {
    if (post.publishAt) {
      await this.states.transition(post, 'scheduled', { actor, at });
    }
  }
}
