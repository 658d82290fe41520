import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { ApprovalEntity } from './approval.entity';

export type ApprovalDecisionKind = 'approve' | 'reject' | 'request_changes';

@Entity('approval_decisions')
@Index('idx_approval_decisions_approval_id', ['approvalId'])
export class ApprovalDecisionEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => ApprovalEntity, { onDelete: 'CASCADE' })
  approvalId!: string;

  /** Person id. */
  @Column({ type: 'varchar' })
  person!: string;

  @Column({ type: 'varchar' })
  decision!: ApprovalDecisionKind;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @InstantColumn()
  decidedAt!: Date;
}
