import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';

/** Who runs a piece of cluster-wide periodic work, until when (see src/cluster/cluster-lease.service.ts). */
@Entity('cluster_leases')
export class ClusterLeaseEntity {
  @PrimaryColumn({ type: 'varchar' })
  name!: string;

  @Column({ type: 'varchar' })
  holder!: string;

  @InstantColumn()
  expiresAt!: Date;
}
