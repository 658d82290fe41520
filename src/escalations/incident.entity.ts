import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import type { JsonColumnValue } from '../persistence/json-value';
import { BrandEntity } from '../persistence/entities/brand.entity';

export type IncidentState = 'open' | 'acknowledged' | 'resolved';

@Entity('incidents')
// A rule fires once per subject while its incident is unresolved; the database, not the caller, guarantees it.
@Index('uq_incidents_dedup_key_unresolved', ['dedupKey'], { unique: true, where: `"state" <> 'resolved'` })
@Index('idx_incidents_state_next_escalation_at', ['state', 'nextEscalationAt'])
export class IncidentEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar', nullable: true })
  @ForeignKey(() => BrandEntity)
  brandId!: string | null;

  @Column({ type: 'varchar' })
  rule!: string;

  @Column({ type: 'varchar' })
  subjectKey!: string;

  @Column({ type: 'varchar' })
  dedupKey!: string;

  @Column({ type: 'varchar' })
  state!: IncidentState;

  @Column({ type: 'varchar' })
  severity!: string;

  @Column({ type: 'varchar' })
  title!: string;

  @Column({ type: 'simple-json' })
  details!: Record<string, JsonColumnValue>;

  /** The escalation policy as it was when the incident opened, so later config edits do not rewrite history. */
  @Column({ type: 'simple-json' })
  policySnapshot!: Record<string, JsonColumnValue>;

  /** Escalation level reached so far. */
  @Column({ type: 'integer' })
  level!: number;

  @InstantColumn({ nullable: true })
  nextEscalationAt!: Date | null;

  @InstantColumn()
  openedAt!: Date;

  @InstantColumn({ nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ type: 'varchar', nullable: true })
  acknowledgedBy!: string | null;

  @InstantColumn({ nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'varchar', nullable: true })
  resolvedBy!: string | null;
}
