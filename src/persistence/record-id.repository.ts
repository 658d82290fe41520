import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InboxItemEntity } from '../inbox/inbox-item.entity';
import { IncidentEntity } from '../escalations/incident.entity';
import { PostEntity } from '../content/post.entity';

/** The tables whose ids people type back (shortened, as the lists show them). */
export type RecordTable = 'posts' | 'incidents' | 'inbox_items' | 'reports';

/** Ids as people use them: every id of a table (to shorten them), ids by prefix, a record's one-line label. */
@Injectable()
export class RecordIdRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every id of a table, for shortening (a CLI list is small; the ids are indexed). */
  async all(table: RecordTable): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(`SELECT "id" FROM "${table}"`);
    return rows.map((row) => row.id);
  }

  /** Up to `limit` ids of the table that start with `prefix` (lower-case hex and dashes), in order. */
  async startingWith(table: RecordTable, prefix: string, limit: number): Promise<string[]> {
    const p = this.dataSource.options.type === 'postgres' ? '$1' : '?';
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT "id" FROM "${table}" WHERE "id" LIKE ${p} ORDER BY "id" LIMIT ${Math.trunc(limit)}`,
      [`${prefix}%`],
    );
    return rows.map((row) => row.id);
  }

  /** What a person recognises a record by, to tell apart the records an ambiguous prefix matches. */
  async label(table: RecordTable, id: string): Promise<string> {
    switch (table) {
      case 'posts': {
        const post = await this.dataSource.getRepository(PostEntity).findOneBy({ id });
        return post ? `${post.brandId}  "${post.title}"` : '';
      }
      case 'incidents': {
        const incident = await this.dataSource.getRepository(IncidentEntity).findOneBy({ id });
        return incident ? `${incident.state}  ${incident.title}` : '';
      }
      case 'inbox_items': {
        const item = await this.dataSource.getRepository(InboxItemEntity).findOneBy({ id });
        return item ? `${item.kind} from ${item.author}: "${item.text.slice(0, 60)}"` : '';
      }
      case 'reports':
        return '';
    }
  }
}
