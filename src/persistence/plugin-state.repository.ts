import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { PluginStateEntity } from './entities/plugin-state.entity';
import type { JsonValue } from './json-value';

export interface PluginStateItem {
  key: string;
  value: JsonValue;
}

@Injectable()
export class PluginStateRepository {
  private readonly state: Repository<PluginStateEntity>;

  constructor(dataSource: DataSource) {
    this.state = dataSource.getRepository(PluginStateEntity);
  }

  /** undefined when the key was never set (a stored JSON null comes back as null). */
  async get(plugin: string, scope: string, key: string): Promise<JsonValue | undefined> {
    const row = await this.state.findOneBy({ plugin, scope, key });
    // Only set() writes this column, and it takes JsonValue.
    return row === null ? undefined : row.value;
  }

  async set(
    plugin: string,
    scope: string,
    key: string,
    value: JsonValue,
    now: Date = new Date(),
  ): Promise<void> {
    // INSERT ... ON CONFLICT DO UPDATE: one statement on both dialects, so concurrent writers cannot collide.
    await this.state.upsert({ plugin, scope, key, value, updatedAt: now }, ['plugin', 'scope', 'key']);
  }

  /** true when a value was removed. */
  async delete(plugin: string, scope: string, key: string): Promise<boolean> {
    const result = await this.state.delete({ plugin, scope, key });
    return (result.affected ?? 0) > 0;
  }

  /** Entries whose key starts with prefix (case-sensitive, literal), ordered by key. */
  async list(plugin: string, scope: string, prefix = ''): Promise<PluginStateItem[]> {
    const query = this.state
      .createQueryBuilder('state')
      .where('state.plugin = :plugin AND state.scope = :scope', { plugin, scope })
      .orderBy('state.key', 'ASC');
    if (prefix !== '') {
      // Not LIKE: SQLite's LIKE ignores ASCII case and both treat % and _ as wildcards. SUBSTR counts code points.
      query.andWhere('SUBSTR(state.key, 1, :prefixLength) = :prefix', {
        prefix,
        prefixLength: [...prefix].length,
      });
    }
    const rows = await query.getMany();
    return rows.map((row) => ({ key: row.key, value: row.value }));
  }
}
