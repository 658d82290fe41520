import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../instant-column.decorator';
import type { JsonColumnValue } from '../json-value';

/** Key/value storage the plugin host hands to each plugin, partitioned by scope (usually a channel id). */
@Entity('plugin_state')
export class PluginStateEntity {
  @PrimaryColumn({ type: 'varchar' })
  plugin!: string;

  @PrimaryColumn({ type: 'varchar' })
  scope!: string;

  @PrimaryColumn({ type: 'varchar' })
  key!: string;

  /** JSON; SQL NULL stands for a stored JSON null. */
  @Column({ type: 'simple-json', nullable: true })
  value!: JsonColumnValue;

  @InstantColumn()
  updatedAt!: Date;
}
