import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { BrandEntity } from '../persistence/entities/brand.entity';

/**
 * rendered → delivering → delivered; a failed delivery goes back to rendered with `nextDeliveryAt` set until
 * its attempts are spent, then failed. A render that fails is failed too (no file, no renderedAt).
 */
export type ReportStatus = 'pending' | 'rendering' | 'rendered' | 'delivering' | 'delivered' | 'failed';

@Entity('reports')
// The monthly schedule may fire on several replicas; only one of them may create the report.
@Index('uq_reports_brand_id_month_template', ['brandId', 'month', 'template'], { unique: true })
export class ReportEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => BrandEntity)
  brandId!: string;

  /** YYYY-MM. */
  @Column({ type: 'varchar' })
  month!: string;

  /** Report template plugin name. */
  @Column({ type: 'varchar' })
  template!: string;

  @Column({ type: 'varchar' })
  status!: ReportStatus;

  @Column({ type: 'varchar', nullable: true })
  filePath!: string | null;

  @Column({ type: 'integer', nullable: true })
  bytes!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  renderedAt!: Date | null;

  @InstantColumn({ nullable: true })
  deliveredAt!: Date | null;

  /** Delivery attempts since the last render or manual re-delivery. */
  @Column({ type: 'integer', default: 0 })
  deliveryAttempts!: number;

  /** When a retry is due (status rendered), or when a claim expires (status delivering); null otherwise. */
  @InstantColumn({ nullable: true })
  nextDeliveryAt!: Date | null;

  /** Targets (`email:<notifier>`, `webhook:<host>`, `folder:<path>`) already sent: a retry skips them. */
  @Column({ type: 'simple-json', default: '[]' })
  deliveredTargets!: string[];
}
