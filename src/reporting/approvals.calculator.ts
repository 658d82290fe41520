import type { ApprovalDecisionEntity } from '../approvals/approval-decision.entity';
import type { ApprovalEntity } from '../approvals/approval.entity';
import type { PostVariantEntity } from '../publishing/post-variant.entity';
import type { PostEntity } from '../content/post.entity';
import type { ApprovalsSection } from './report-model';
import type { PeriodWindow } from './report-period';
import { leadTimeStats } from './report-statistics';

const within = (instant: Date, window: PeriodWindow) => instant >= window.start && instant < window.end;

/**
 * Approvals should finish before content is due. The lead time is how long before its publish time a post
 * got its final sign-off; a short lead (or a negative one) is the symptom of approvals that stall.
 */
export class ApprovalsCalculator {
  private readonly decisionsByApproval = new Map<string, ApprovalDecisionEntity[]>();
  private readonly approvalsByPost = new Map<string, ApprovalEntity[]>();
  private readonly firstScheduled = new Map<string, Date>();

  constructor(
    approvals: readonly ApprovalEntity[],
    private readonly decisions: readonly ApprovalDecisionEntity[],
    private readonly posts: ReadonlyMap<string, PostEntity>,
    variants: readonly PostVariantEntity[],
    private readonly signOffWindowHours: number | null,
    private readonly now: Date,
  ) {
    for (const decision of decisions) {
      this.decisionsByApproval.set(decision.approvalId, [
        ...(this.decisionsByApproval.get(decision.approvalId) ?? []),
        decision,
      ]);
    }
    for (const approval of approvals) {
      this.approvalsByPost.set(approval.postId, [
        ...(this.approvalsByPost.get(approval.postId) ?? []),
        approval,
      ]);
    }
    for (const variant of variants) {
      const known = this.firstScheduled.get(variant.postId);
      if (variant.scheduledAt && (!known || variant.scheduledAt < known)) {
        this.firstScheduled.set(variant.postId, variant.scheduledAt);
      }
    }
  }

  /** Hours of lead for every post whose final sign-off landed in the window. */
  leadTimes(window: PeriodWindow): number[] {
    const leads: number[] = [];
    for (const [postId, steps] of this.approvalsByPost) {
      const signOff = this.finalSignOff(steps);
      const publishAt = this.publishTime(postId);
      if (signOff && publishAt && within(signOff, window)) {
        leads.push((publishAt.getTime() - signOff.getTime()) / 3_600_000);
      }
    }
    return leads;
  }

  rejections(window: PeriodWindow): number {
    return this.decisions.filter((d) => d.decision === 'reject' && within(d.decidedAt, window)).length;
  }

  section(current: PeriodWindow, previous: PeriodWindow): ApprovalsSection {
    const decided = this.decisions.filter((d) => within(d.decidedAt, current));
    const dueSteps = [...this.approvalsByPost].flatMap(([postId, steps]) => {
      const publishAt = this.publishTime(postId);
      return publishAt && within(publishAt, current) ? steps : [];
    });
    const cutoff = this.now < current.end ? this.now : current.end;
    const overdue = dueSteps.filter((step) => {
      if (step.status === 'pending') {
        return step.dueAt < cutoff;
      }
      const concluded = this.lastDecision(step);
      return concluded !== undefined && concluded.decidedAt > step.dueAt;
    });
    const leadTimeHours = leadTimeStats(this.leadTimes(current));
    return {
      decisions: decided.length,
      approved: decided.filter((d) => d.decision === 'approve').length,
      rejections: decided.filter((d) => d.decision === 'reject').length,
      changesRequested: decided.filter((d) => d.decision === 'request_changes').length,
      pending: dueSteps.filter((s) => s.status === 'pending').length,
      overdue: overdue.length,
      leadTimeHours,
      previousLeadTimeHours: leadTimeStats(this.leadTimes(previous)),
      signOffWindowHours: this.signOffWindowHours,
      hasData: decided.length > 0 || dueSteps.length > 0,
    };
  }

  /** When the last step was approved, provided every step is through; undefined while any is not. */
  private finalSignOff(steps: readonly ApprovalEntity[]): Date | undefined {
    if (steps.length === 0 || steps.some((s) => s.status !== 'approved' && s.status !== 'skipped')) {
      return undefined;
    }
    let latest: Date | undefined;
    for (const step of steps) {
      for (const decision of this.decisionsByApproval.get(step.id) ?? []) {
        if (decision.decision === 'approve' && (!latest || decision.decidedAt > latest)) {
          latest = decision.decidedAt;
        }
      }
    }
    return latest;
  }

  private lastDecision(step: ApprovalEntity): ApprovalDecisionEntity | undefined {
    const decisions = this.decisionsByApproval.get(step.id) ?? [];
    return decisions.reduce<ApprovalDecisionEntity | undefined>(
      (last, d) => (!last || d.decidedAt > last.decidedAt ? d : last),
      undefined,
    );
  }

  private publishTime(postId: string): Date | undefined {
    return this.posts.get(postId)?.publishAt ?? this.firstScheduled.get(postId);
  }
}
