import type { EntityManager } from 'typeorm';
import { toDbInstant } from '../persistence/instant-column.decorator';
import type { PostStateService } from '../content/post-state.service';
import type { AuditRepository } from '../persistence/audit.repository';
import { placeholders, returningIds } from '../persistence/sql-placeholders';
import type { PostVariantEntity } from '../persistence/entities/post-variant.entity';

/** Statements stay well below SQLite's 32,766 bound parameters and Postgres' 65,535. */
const CHUNK = 400;

/**
 * Claims many scheduled variants at once: one conditional UPDATE … WHERE id IN (…) AND state = 'scheduled'
 * per chunk, a multi-row INSERT of the audit rows, and the same for the posts that start publishing
 * (PostStateService.transitionMany, scheduled → publishing). Runs in the caller's transaction. Returns the variants this caller won, updated in place;
 * any other worker that raced for them gets nothing.
 */
export async function claimVariants(
  manager: EntityManager,
  variants: PostVariantEntity[],
  options: { actor: string; at: Date },
  { audit, postStates }: { audit: AuditRepository; postStates: PostStateService },
): Promise<PostVariantEntity[]> {
  const won: PostVariantEntity[] = [];
  for (let start = 0; start < variants.length; start += CHUNK) {
    const chunk = variants.slice(start, start + CHUNK);
    const at = toDbInstant(options.at);
    const p = placeholders(manager);
    const claimed = new Set(
      await returningIds(
        manager,
        `UPDATE "post_variants" SET "state" = 'publishing', "attempts" = "attempts" + 1, "updated_at" = ${p(1)} WHERE "state" = 'scheduled' AND "id" IN (${chunk.map((_, i) => p(i + 2)).join(', ')}) RETURNING "id"`,
        [at, ...chunk.map((v) => v.id)],
      ),
    );
    const mine = chunk.filter((variant) => claimed.has(variant.id));
    if (mine.length === 0) {
      continue;
    }
    await audit.appendMany(
      mine.map((variant) => ({
        at: options.at,
        actor: options.actor,
        action: 'variant.state_changed',
        subjectType: 'post_variant',
        subjectId: variant.id,
        data: { postId: variant.postId, from: 'scheduled', to: 'publishing' },
      })),
      manager,
    );
    await postStates.transitionMany(
      [...new Set(mine.map((variant) => variant.postId))],
      { from: 'scheduled', to: 'publishing' },
      options,
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
