import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { ChannelEntity } from '../channels/channel.entity';

export type MetricCollectionStatus = 'collecting' | 'collected' | 'failed';

/**
 * One row per (channel, day) that metrics were collected for: the claim that keeps several schedulers from
 * fetching the same day twice, and the place a channel's last collection error stays visible.
 */
@Entity('metric_collections')
export class MetricCollectionEntity {
  @PrimaryColumn({ type: 'varchar' })
  @ForeignKey(() => ChannelEntity)
  channelId!: string;

  /** Calendar day (YYYY-MM-DD) in the brand's time zone. */
  @PrimaryColumn({ type: 'varchar' })
  day!: string;

  @Column({ type: 'varchar' })
  status!: MetricCollectionStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  /** When the current or last attempt started; a `collecting` claim older than the lease is taken over. */
  @InstantColumn()
  claimedAt!: Date;

  @InstantColumn({ nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
