import { randomUUID } from 'node:crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../instant-column.decorator';
import type { JsonColumnValue } from '../json-value';

/** One row per distinct configuration content ever loaded; brands and channels point at the one that last shaped them. */
@Entity('config_revisions')
@Index('uq_config_revisions_hash', ['hash'], { unique: true })
export class ConfigRevisionEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  /** sha256 hex of the normalised configuration. */
  @Column({ type: 'varchar' })
  hash!: string;

  /** Files the configuration was read from. */
  @Column({ type: 'simple-json' })
  sources!: string[];

  @Column({ type: 'simple-json' })
  summary!: Record<string, JsonColumnValue>;

  @InstantColumn()
  loadedAt!: Date;
}
