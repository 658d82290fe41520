import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import type { JsonColumnValue } from '../persistence/json-value';
import { ChannelEntity } from '../channels/channel.entity';
import { PostEntity, type PublishState } from '../content/post.entity';
import { timeOrderedId } from '../persistence/time-ordered-id';

/** What one post becomes on one channel; the unit the publisher works on. */
@Entity('post_variants')
@Index('idx_post_variants_state_scheduled_at', ['state', 'scheduledAt'])
@Index('uq_post_variants_post_id_channel_id', ['postId', 'channelId'], { unique: true })
@Index('uq_post_variants_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('idx_post_variants_channel_id_remote_id', ['channelId', 'remoteId'], {
  where: '"remote_id" IS NOT NULL',
})
export class PostVariantEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = timeOrderedId();

  @Column({ type: 'varchar' })
  @ForeignKey(() => PostEntity, { onDelete: 'CASCADE' })
  postId!: string;

  @Column({ type: 'varchar' })
  @ForeignKey(() => ChannelEntity)
  channelId!: string;

  @Column({ type: 'varchar' })
  state!: PublishState;

  @Column({ type: 'text' })
  text!: string;

  /** The title this channel publishes (`overrides.<channel>.title`, else the post's); NULL on rows older than SDK 2.2. */
  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ type: 'simple-json' })
  media!: JsonColumnValue[];

  /** Connector-specific settings from the post's overrides (visibility, spoiler text, thread…). */
  @Column({ type: 'simple-json', default: '{}' })
  extra!: Record<string, JsonColumnValue>;

  /** Stable across retries so the platform can recognise a repeated send (DESIGN section 3). */
  @Column({ type: 'varchar' })
  idempotencyKey!: string;

  @Column({ type: 'varchar', nullable: true })
  remoteId!: string | null;

  @Column({ type: 'varchar', nullable: true })
  remoteUrl!: string | null;

  /**
   * What the connector's `status(handle)` needs, once the platform accepted the post to finish it (two-step
   * publishing): a variant holding one is asked about, never published again.
   */
  @Column({ type: 'varchar', nullable: true })
  remoteHandle!: string | null;

  /** When the platform accepted the post (`finishing` since): the give-up clock counts from here. */
  @InstantColumn({ nullable: true })
  acceptedAt!: Date | null;

  /** When a `finishing` variant is next asked about; a worker asking pushes it one lease ahead (its claim). */
  @InstantColumn({ nullable: true })
  nextCheckAt!: Date | null;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @InstantColumn({ nullable: true })
  scheduledAt!: Date | null;

  @InstantColumn({ nullable: true })
  publishedAt!: Date | null;

  @InstantColumn()
  updatedAt!: Date;
}
