import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { BrandEntity } from '../persistence/entities/brand.entity';

export type CycleStage = 'plan' | 'prepare' | 'publish' | 'review' | 'closed';

/** ISO-8601 UTC deadline per stage. */
export type StageDeadlines = Partial<Record<CycleStage, string>>;

@Entity('cycles')
@Index('uq_cycles_brand_id_period_start', ['brandId', 'periodStart'], { unique: true })
export class CycleEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => BrandEntity)
  brandId!: string;

  @InstantColumn()
  periodStart!: Date;

  @InstantColumn()
  periodEnd!: Date;

  @Column({ type: 'varchar' })
  stage!: CycleStage;

  @Column({ type: 'simple-json' })
  stageDeadlines!: StageDeadlines;

  /** Person id. */
  @Column({ type: 'varchar' })
  owner!: string;

  @InstantColumn()
  createdAt!: Date;
}
