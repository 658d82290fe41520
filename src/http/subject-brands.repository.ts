import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { placeholders } from '../persistence/sql-placeholders';

export type SubjectKind = 'post' | 'incident' | 'inbox-item' | 'report';

/** The brand of each kind of subject the API acts on by id. */
const BRAND_OF: Record<SubjectKind, (p: (n: number) => string) => string> = {
  post: (p) => `SELECT "brand_id" AS "brand" FROM "posts" WHERE "id" = ${p(1)}`,
  incident: (p) => `SELECT "brand_id" AS "brand" FROM "incidents" WHERE "id" = ${p(1)}`,
  report: (p) => `SELECT "brand_id" AS "brand" FROM "reports" WHERE "id" = ${p(1)}`,
  'inbox-item': (p) =>
    `SELECT c."brand_id" AS "brand" FROM "inbox_items" i JOIN "channels" c ON c."id" = i."channel_id" WHERE i."id" = ${p(1)}`,
};

/** Looks up which brand a post, incident, inbox item or report belongs to, for brand-limited tokens. */
@Injectable()
export class SubjectBrandsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The subject's brand (null for a brandless incident); undefined when there is no such subject. */
  async brandOf(kind: SubjectKind, id: string): Promise<string | null | undefined> {
    const manager = this.dataSource.manager;
    const rows = await manager.query<Array<{ brand: string | null }>>(BRAND_OF[kind](placeholders(manager)), [
      id,
    ]);
    return rows.length === 0 ? undefined : rows[0].brand;
  }
}
