import { randomUUID } from 'node:crypto';
import { BeforeInsert, BeforeUpdate, Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { ChannelEntity } from '../channels/channel.entity';
import { PostVariantEntity } from '../publishing/post-variant.entity';

/** scope_key of a channel-level snapshot (one that belongs to no post variant). */
export const CHANNEL_SCOPE = 'channel';

/**
 * NULLs are distinct in unique indexes on both engines, so (channel_id, post_variant_id, day) would let a
 * channel-level snapshot repeat. scope_key mirrors post_variant_id with a non-null stand-in and carries the
 * uniqueness; the check keeps the two columns from drifting apart when rows are written with raw SQL.
 */
@Entity('metric_snapshots')
@Index('uq_metric_snapshots_channel_id_scope_key_day', ['channelId', 'scopeKey', 'day'], { unique: true })
@Index('idx_metric_snapshots_post_variant_id', ['postVariantId'])
@Check('chk_metric_snapshots_scope_key', `"scope_key" = COALESCE("post_variant_id", '${CHANNEL_SCOPE}')`)
export class MetricSnapshotEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => ChannelEntity)
  channelId!: string;

  @Column({ type: 'varchar', nullable: true })
  @ForeignKey(() => PostVariantEntity, { onDelete: 'CASCADE' })
  postVariantId!: string | null;

  /** post_variant_id, or CHANNEL_SCOPE for a channel-level snapshot. save() derives it; upserts and query builders must set it with scopeKeyFor(). */
  @Column({ type: 'varchar' })
  scopeKey!: string;

  /** Calendar day (YYYY-MM-DD) in the brand's time zone that the figures describe. */
  @Column({ type: 'varchar' })
  day!: string;

  /** Metric name to value. */
  @Column({ type: 'simple-json' })
  metrics!: Record<string, number>;

  @InstantColumn()
  collectedAt!: Date;

  static scopeKeyFor(postVariantId: string | null | undefined): string {
    return postVariantId ?? CHANNEL_SCOPE;
  }

  @BeforeInsert()
  @BeforeUpdate()
  protected deriveScopeKey(): void {
    this.scopeKey = MetricSnapshotEntity.scopeKeyFor(this.postVariantId);
  }
}
