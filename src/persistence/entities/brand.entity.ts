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
}
