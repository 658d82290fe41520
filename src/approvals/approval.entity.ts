import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { PostEntity } from '../content/post.entity';

export type ApprovalMode = 'any' | 'all';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'changes_requested' | 'skipped';

/** One step of a post's approval chain. */
@Entity('approvals')
@Index('idx_approvals_post_id_step_index', ['postId', 'stepIndex'])
@Index('idx_approvals_status_due_at', ['status', 'dueAt'])
export class ApprovalEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => PostEntity, { onDelete: 'CASCADE' })
  postId!: string;

  @Column({ type: 'integer' })
  stepIndex!: number;

  @Column({ type: 'varchar' })
  stepName!: string;

  @Column({ type: 'varchar' })
  mode!: ApprovalMode;

  /** Person ids. */
  @Column({ type: 'simple-json' })
  approvers!: string[];

  @InstantColumn()
  dueAt!: Date;

  @Column({ type: 'varchar' })
  status!: ApprovalStatus;
}
