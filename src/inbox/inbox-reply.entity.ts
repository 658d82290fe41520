import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { InboxItemEntity } from './inbox-item.entity';

/** pending → sending → sent | failed; a rate limit, an outcome not found or a refused credential go back to pending. */
export type InboxReplyState = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * One answer a person wrote to an inbox item, sent through the channel's connector exactly once: the row is the
 * truth (claimed by a conditional UPDATE), the idempotency key is what the platform and `lookup` know it by.
 */
@Entity('inbox_replies')
@Index('uq_inbox_replies_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('idx_inbox_replies_state_next_attempt_at', ['state', 'nextAttemptAt'])
@Index('idx_inbox_replies_item_id', ['itemId'])
export class InboxReplyEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => InboxItemEntity)
  itemId!: string;

  @Column({ type: 'varchar' })
  @ForeignKey(() => ChannelEntity)
  channelId!: string;

  @Column({ type: 'text' })
  text!: string;

  /** Stable for the reply's whole life: every send and every lookup of it carries the same key. */
  @Column({ type: 'varchar' })
  idempotencyKey!: string;

  @Column({ type: 'varchar' })
  state!: InboxReplyState;

  @Column({ type: 'varchar', nullable: true })
  remoteId!: string | null;

  @Column({ type: 'varchar', nullable: true })
  url!: string | null;

  /** Sends that reached the connector (a rate-limited one is not counted). */
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  /** The person (or service) who wrote the reply. */
  @Column({ type: 'varchar' })
  requestedBy!: string;

  @InstantColumn()
  requestedAt!: Date;

  /** When a pending reply is due (again); the scheduler tick sends those due. */
  @InstantColumn()
  nextAttemptAt!: Date;

  @InstantColumn({ nullable: true })
  sentAt!: Date | null;

  /** Moved on by every change: a claim compares it, and a `sending` reply untouched for long was left by a crash. */
  @InstantColumn()
  updatedAt!: Date;
}
