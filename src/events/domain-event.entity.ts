import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';

/**
 * The event outbox: a domain event written in the transaction of the change that caused it and deleted
 * once handled. Rows older than a minute were left by a process that stopped and are delivered again.
 */
@Entity('domain_events')
@Index('idx_domain_events_recorded_at', ['recordedAt'])
export class DomainEventEntity {
  @PrimaryColumn({ type: 'varchar' })
  id!: string;

  @Column({ type: 'varchar' })
  type!: string;

  @Column({ type: 'varchar' })
  brandId!: string;

  @Column({ type: 'varchar' })
  subjectType!: string;

  @Column({ type: 'varchar' })
  subjectId!: string;

  /** When it happened (the event's own time, which tests and benchmarks may drive). */
  @InstantColumn()
  at!: Date;

  /** Event-specific facts, JSON. */
  @Column({ type: 'text' })
  data!: string;

  /** When it was committed (the wall clock), what redelivery goes by. */
  @InstantColumn()
  recordedAt!: Date;
}
