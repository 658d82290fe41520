import { randomUUID } from 'node:crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import type { JsonColumnValue } from '../persistence/json-value';

export type JobState = 'waiting' | 'active' | 'completed' | 'failed';

/** A job of the inline queue driver: durable because it is a row. */
@Entity('jobs')
@Index('idx_jobs_queue_state_run_at', ['queue', 'state', 'runAt'])
@Index('uq_jobs_unique_key', ['uniqueKey'], { unique: true })
export class JobEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  queue!: string;

  @Column({ type: 'varchar' })
  name!: string;

  @Column({ type: 'simple-json' })
  payload!: JsonColumnValue;

  @InstantColumn()
  runAt!: Date;

  @Column({ type: 'varchar' })
  state!: JobState;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'integer' })
  maxAttempts!: number;

  /** Deduplicates enqueues (e.g. one cluster-wide tick per period); NULLs never collide. */
  @Column({ type: 'varchar', nullable: true })
  uniqueKey!: string | null;

  @Column({ type: 'varchar', nullable: true })
  lockedBy!: string | null;

  @InstantColumn({ nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
