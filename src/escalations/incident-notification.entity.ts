import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { IncidentEntity } from './incident.entity';

export type IncidentNotificationStatus = 'sent' | 'failed';

@Entity('incident_notifications')
@Index('idx_incident_notifications_incident_id', ['incidentId'])
export class IncidentNotificationEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => IncidentEntity, { onDelete: 'CASCADE' })
  incidentId!: string;

  @Column({ type: 'integer' })
  level!: number;

  @Column({ type: 'varchar' })
  target!: string;

  /** Notifier plugin name. */
  @Column({ type: 'varchar' })
  channel!: string;

  @Column({ type: 'varchar' })
  status!: IncidentNotificationStatus;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @InstantColumn()
  sentAt!: Date;
}
