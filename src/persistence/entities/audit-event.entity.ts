import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from '../instant-column.decorator';
import type { JsonColumnValue } from '../json-value';

/** Append-only: rows are inserted, never updated or deleted. */
@Entity('audit_events')
@Index('idx_audit_events_subject_type_subject_id', ['subjectType', 'subjectId'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @InstantColumn()
  at!: Date;

  /** Person id, API token name, or a system role such as "scheduler". */
  @Column({ type: 'varchar' })
  actor!: string;

  /** The API token through which the change was asked for; null outside API requests. */
  @Column({ type: 'varchar', nullable: true })
  apiTokenId!: string | null;

  /**
   * Set when an admin token acted on behalf of `actor`: who really acted ("service:ops", "person:sam").
   * Null when the actor acted as themselves.
   */
  @Column({ type: 'varchar', nullable: true })
  onBehalfBy!: string | null;

  /** Dotted verb, e.g. "post.state_changed". */
  @Column({ type: 'varchar' })
  action!: string;

  @Column({ type: 'varchar' })
  subjectType!: string;

  @Column({ type: 'varchar' })
  subjectId!: string;

  @Column({ type: 'simple-json' })
  data!: Record<string, JsonColumnValue>;
}
