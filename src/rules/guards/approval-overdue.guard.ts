import { Finding, GuardContext, GuardRule } from './guard-rule';

/** An approval step past its deadline while the post waits: the seed's "slow approvals". */
export class ApprovalOverdueGuard implements GuardRule {
  readonly name = 'approval-overdue';
  readonly onByDefault = true;

  async findings({ facts, now, thresholdMs = 0 }: GuardContext): Promise<Finding[]> {
    const rows = await facts.pendingApprovalsInReview();
    const current = rows.filter(
      (row) => !rows.some((other) => other.postId === row.postId && other.stepIndex < row.stepIndex),
    );
    return current
      .filter((row) => row.dueAt.getTime() + thresholdMs < now.getTime())
      .map((row) => ({
        brandId: row.post.brandId,
        subjectKey: `approval:${row.id}`,
        title: `Approval overdue: "${row.post.title}" waits on ${row.approvers.join(', ')} at "${row.stepName}"`,
        severity: 'warning' as const,
        details: {
          post: row.post.title,
          postId: row.postId,
          step: row.stepName,
          waitingOn: row.approvers,
          dueAt: row.dueAt.toISOString(),
          publishAt: row.post.publishAt?.toISOString() ?? null,
        },
      }));
  }
}
