import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../instant-column.decorator';
import { ConfigRevisionEntity } from './config-revision.entity';

@Entity('brands')
export class BrandEntity {
  /** The brand's key in the configuration. */
  @PrimaryColumn({ type: 'varchar' })
  id!: string;

  @Column({ type: 'varchar' })
  name!: string;

  /** IANA zone that the brand's schedules are written in. */
  @Column({ type: 'varchar' })
  timezone!: string;

  /** Person id. */
  @Column({ type: 'varchar' })
  owner!: string;

  @Column({ type: 'varchar' })
  @ForeignKey(() => ConfigRevisionEntity)
  configRevisionId!: string;

  @InstantColumn()
  updatedAt!: Date;

  /**
   * When this database first saw the brand in the configuration. Scheduled reports never cover a month that
   * ended before it (a new install must not e-mail clients a report of a month it knows nothing about).
   */
  @InstantColumn({ nullable: true })
  firstSeenAt!: Date | null;
}
