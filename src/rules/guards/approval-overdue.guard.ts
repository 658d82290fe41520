import { ApprovalEntity } from '../../persistence/entities/approval.entity';
import { PostEntity } from '../../persistence/entities/post.entity';
import { Finding, GuardContext, GuardRule } from './guard-rule';

/** An approval step past its deadline while the post waits: the seed's "slow approvals". */
export class ApprovalOverdueGuard implements GuardRule {
  readonly name = 'approval-overdue';
  readonly onByDefault = true;

  async findings({ dataSource, now, thresholdMs = 0 }: GuardContext): Promise<Finding[]> {
    const rows = (await dataSource
      .getRepository(ApprovalEntity)
      .createQueryBuilder('approval')
      .innerJoinAndMapOne('approval.post', PostEntity, 'post', 'post.id = approval.post_id')
      .where("approval.status = 'pending'")
      .andWhere("post.state = 'in_review'")
      .orderBy('approval.step_index', 'ASC')
      .getMany()) as Array<ApprovalEntity & { post: PostEntity }>;
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
