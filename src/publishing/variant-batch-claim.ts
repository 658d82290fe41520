import type { EntityManager } from 'typeorm';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import type { PostVariantEntity } from '../persistence/entities/post-variant.entity';

/** Statements stay well below SQLite's 32,766 bound parameters and Postgres' 65,535. */
const CHUNK = 400;

/**
 * Claims many scheduled variants at once: one conditional UPDATE … WHERE id IN (…) AND state = 'scheduled'
 * per chunk, a multi-row INSERT of the audit rows, and the same for the posts that start publishing
 * (scheduled → publishing, exactly what PostStateService.transition does for that move: no event, no
 * mirroring). Runs in the caller's transaction. Returns the variants this caller won, updated in place;
 * any other worker that raced for them gets nothing.
 */
export async function claimVariants(
  manager: EntityManager,
  variants: PostVariantEntity[],
  options: { actor: string; at: Date },
): Promise<PostVariantEntity[]> {
  const won: PostVariantEntity[] = [];
  for (let start = 0; start < variants.length; start += CHUNK) {
    const chunk = variants.slice(start, start + CHUNK);
    const at = toDbInstant(options.at);
    const claimed = new Set(
      (
        await returningIds(
          manager,
          (p) =>
            `UPDATE "post_variants" SET "state" = 'publishing', "attempts" = "attempts" + 1, "updated_at" = ${p(1)} WHERE "state" = 'scheduled' AND "id" IN (${chunk.map((_, i) => p(i + 2)).join(', ')}) RETURNING "id"`,
          [at, ...chunk.map((v) => v.id)],
        )
      ).map(String),
    );
    const mine = chunk.filter((variant) => claimed.has(variant.id));
    if (mine.length === 0) {
      continue;
    }
    await appendAudit(
      manager,
      mine.map((variant) => ({
        at,
        actor: options.actor,
        action: 'variant.state_changed',
        subjectType: 'post_variant',
        subjectId: variant.id,
        data: { postId: variant.postId, from: 'scheduled', to: 'publishing' },
      })),
    );
    const postIds = [...new Set(mine.map((variant) => variant.postId))];
    const started = await returningIds(
      manager,
      (p) =>
        `UPDATE "posts" SET "state" = 'publishing', "state_reason" = NULL, "updated_at" = ${p(1)}, "version" = "version" + 1 WHERE "state" = 'scheduled' AND "id" IN (${postIds.map((_, i) => p(i + 2)).join(', ')}) RETURNING "id"`,
      [at, ...postIds],
    );
    await appendAudit(
      manager,
      started.map((id) => ({
        at,
        actor: options.actor,
        action: 'post.state_changed',
        subjectType: 'post',
        subjectId: String(id),
        data: { from: 'scheduled', to: 'publishing' },
      })),
    );
    for (const variant of mine) {
      variant.state = 'publishing';
      variant.attempts += 1;
      variant.updatedAt = options.at;
      won.push(variant);
    }
  }
  return won;
}

interface AuditRow {
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, string>;
}

async function appendAudit(manager: EntityManager, rows: AuditRow[]): Promise<void> {
  const p = placeholders(manager);
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const values = chunk
      .map((_, row) => `(${[1, 2, 3, 4, 5, 6].map((column) => p(row * 6 + column)).join(', ')})`)
      .join(', ');
    await manager.query(
      `INSERT INTO "audit_events" ("at", "actor", "action", "subject_type", "subject_id", "data") VALUES ${values}`,
      chunk.flatMap((row) => [
        row.at,
        row.actor,
        row.action,
        row.subjectType,
        row.subjectId,
        JSON.stringify(row.data),
      ]),
    );
  }
}

/** UPDATE … RETURNING "id" on either dialect (their drivers shape the result differently). */
async function returningIds(
  manager: EntityManager,
  sql: (p: (index: number) => string) => string,
  parameters: unknown[],
): Promise<Array<string | number>> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql(placeholders(manager)), parameters, true);
    return ((result.records ?? []) as Array<{ id: string | number }>).map((row) => row.id);
  } finally {
    if (!manager.queryRunner) {
      await runner.release();
    }
  }
}
