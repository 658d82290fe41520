import { Injectable } from '@nestjs/common';
import { Clock, SYSTEM_CLOCK } from '../clock/clock';
import { DataSource, type Repository } from 'typeorm';
import { PluginStateEntity } from './entities/plugin-state.entity';
import { toDbInstant } from './instant-column.decorator';
import type { JsonValue } from './json-value';
import { placeholders } from './sql-placeholders';

export interface PluginStateItem {
  key: string;
  value: JsonValue;
}

@Injectable()
export class PluginStateRepository {
  private readonly state: Repository<PluginStateEntity>;

  /** `clock` defaults to the system's for a repository built by hand (a test, a script); Nest injects the Clock. */
  constructor(
    dataSource: DataSource,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.state = dataSource.getRepository(PluginStateEntity);
  }

  /** undefined when the key was never set (a stored JSON null comes back as null). */
  async get(plugin: string, scope: string, key: string): Promise<JsonValue | undefined> {
    // Plain SQL: connectors read their state on every publish.
    const p = placeholders(this.state.manager);
    const rows = await this.state.manager.query<Array<{ value: string | null }>>(
      `SELECT "value" FROM "plugin_state" WHERE "plugin" = ${p(1)} AND "scope" = ${p(2)} AND "key" = ${p(3)}`,
      [plugin, scope, key],
    );
    // Only set() writes this column, and it takes JsonValue (stored as JSON text).
    return rows.length === 0
      ? undefined
      : rows[0].value === null
        ? null
        : (JSON.parse(rows[0].value) as JsonValue);
  }

  async set(
    plugin: string,
    scope: string,
    key: string,
    value: JsonValue,
    now: Date = this.clock.now(),
  ): Promise<void> {
    // INSERT ... ON CONFLICT DO UPDATE: one statement on both dialects, so concurrent writers cannot collide.
    const p = placeholders(this.state.manager);
    await this.state.manager.query(
      `INSERT INTO "plugin_state" ("plugin", "scope", "key", "value", "updated_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}) ` +
        `ON CONFLICT ("plugin", "scope", "key") DO UPDATE SET "value" = excluded."value", "updated_at" = excluded."updated_at"`,
      [plugin, scope, key, JSON.stringify(value), toDbInstant(now)],
    );
  }

  /** Stores the value unless the key has one; returns the existing value, or undefined when stored. */
  async setIfAbsent(
    plugin: string,
    scope: string,
    key: string,
    value: JsonValue,
    now: Date = this.clock.now(),
  ): Promise<JsonValue | undefined> {
    // One statement in the common case (nothing there yet): connectors that dedupe by key call it per publish.
    const p = placeholders(this.state.manager);
    const inserted = await this.state.manager.query<Array<{ key: string }>>(
      `INSERT INTO "plugin_state" ("plugin", "scope", "key", "value", "updated_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}) ` +
        `ON CONFLICT ("plugin", "scope", "key") DO NOTHING RETURNING "key"`,
      [plugin, scope, key, JSON.stringify(value), toDbInstant(now)],
    );
    return inserted.length > 0 ? undefined : this.get(plugin, scope, key);
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
