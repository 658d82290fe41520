import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { post } from '../content/content-workspace';
import { WEB_YAML } from './web-app.fixture';

/** WEB_YAML with an approval chain on beta too (theo checks it), so each brand has steps of its own. */
export const APPROVALS_YAML = WEB_YAML.replace(
  'social: { connector: sandbox, options: { handle: beta } }',
  `social: { connector: sandbox, options: { handle: beta }, approval: quick }
    approvals:
      quick:
        steps:
          - { name: owner check, approvers: [theo], dueBefore: 24h }`,
);

export const HOSTILE_TITLE = `<script>alert(1)</script> \u202Egnp.exe ${'x'.repeat(10_000)}`;

/** Writes a beta post into the workspace's content-beta folder (the fixture's `files` write acme's). */
export function writeBetaPost(dir: string, name: string, frontMatter: string): void {
  writeFileSync(join(dir, 'content-beta', name), post(frontMatter));
}

/** Post ids by title. */
export async function postIds(dataSource: DataSource): Promise<Record<string, string>> {
  const rows = await dataSource.query<Array<{ id: string; title: string }>>(
    'SELECT "id", "title" FROM "posts"',
  );
  return Object.fromEntries(rows.map((row) => [row.title, row.id]));
}

export interface AuditRow {
  actor: string;
  action: string;
  subject_type: string;
  subject_id: string;
  data: Record<string, unknown>;
  api_token_id: string | null;
  on_behalf_by: string | null;
}

/** The audit rows of one post and action, oldest first. */
export async function auditRows(dataSource: DataSource, postId: string, action: string): Promise<AuditRow[]> {
  const rows = await dataSource.query<Array<Omit<AuditRow, 'data'> & { data: string | object }>>(
    'SELECT "actor", "action", "subject_type", "subject_id", "data", "api_token_id", "on_behalf_by" FROM "audit_events" ' +
      `WHERE "subject_id" = ${dataSource.options.type === 'postgres' ? '$1' : '?'} ORDER BY "id"`,
    [postId],
  );
  return rows
    .filter((row) => row.action === action)
    .map((row) => ({ ...row, data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data }));
}
