import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { BrandEntity } from '../persistence/entities/brand.entity';
import { ConfigRevisionEntity } from '../persistence/entities/config-revision.entity';

export type ChannelStatus = 'active' | 'needs_reconnect' | 'disabled';

@Entity('channels')
@Index('uq_channels_brand_id_key', ['brandId', 'key'], { unique: true })
export class ChannelEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => BrandEntity)
  brandId!: string;

  /** The channel's key within its brand in the configuration. */
  @Column({ type: 'varchar' })
  key!: string;

  /** Name of the connector plugin. */
  @Column({ type: 'varchar' })
  connector!: string;

  @Column({ type: 'varchar' })
  status!: ChannelStatus;

  /**
   * Bumped by every reconnect: a process whose connector instance for this channel was built at a lower
   * version reads the channel's secrets again and builds it anew.
   */
  @Column({ type: 'integer', default: 0 })
  credentialsVersion!: number;

  @Column({ type: 'varchar' })
  @ForeignKey(() => ConfigRevisionEntity)
  configRevisionId!: string;

  @InstantColumn()
  updatedAt!: Date;
}
