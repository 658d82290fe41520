import type { EntityManager } from 'typeorm';
import type { PostStateService } from '../content/post-state.service';
import type { AuditRepository } from '../persistence/audit.repository';
import type { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { PostEntity, type PublishState } from '../persistence/entities/post.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders, returningIds } from '../persistence/sql-placeholders';
import type { PublishResult } from '../plugin-sdk';
import { postSettlement } from './post-settlement';

/** Rows per statement: 7 parameters each, well below SQLite's and Postgres' bounds. */
const CHUNK = 200;

/**
 * Records many publishes at once, in the caller's transaction: per chunk one conditional
 * `UPDATE … SET remote_id = CASE id WHEN … END … WHERE state = 'publishing' AND id IN (…)`, a multi-row INSERT
 * of the audit rows; then the posts those variants end are settled (postSettlement) — the common case,
 * publishing → published, as one batched move per chunk with its events. The same result, audit trail and
 * events as moving each variant on its own. Returns the variants recorded (a variant another worker settled
 * first is left out).
 */
export async function recordPublishedVariants(
  manager: EntityManager,
  sent: ReadonlyArray<{ variant: PostVariantEntity; result: PublishResult }>,
  options: { actor: string; at: Date },
  { audit, postStates }: { audit: AuditRepository; postStates: PostStateService },
): Promise<PostVariantEntity[]> {
  const p = placeholders(manager);
  const recorded: PostVariantEntity[] = [];
  for (let start = 0; start < sent.length; start += CHUNK) {
    const chunk = sent.slice(start, start + CHUNK).map(({ variant, result }) => ({
      variant,
      remoteId: result.remoteId,
      remoteUrl: result.url ?? null,
      publishedAt: result.publishedAt ?? options.at,
    }));
    const values: unknown[] = [toDbInstant(options.at)];
    const caseOf = (value: (row: (typeof chunk)[number]) => unknown) =>
      `CASE "id" ${chunk.map((row) => `WHEN ${p(values.push(row.variant.id))} THEN ${p(values.push(value(row)))}`).join(' ')} END`;
    const sets = [
      `"remote_id" = ${caseOf((row) => row.remoteId)}`,
      `"remote_url" = ${caseOf((row) => row.remoteUrl)}`,
      `"published_at" = ${caseOf((row) => toDbInstant(row.publishedAt))}`,
    ].join(', ');
    const ids = chunk.map((row) => p(values.push(row.variant.id))).join(', ');
    const won = new Set(
      await returningIds(
        manager,
        `UPDATE "post_variants" SET "state" = 'published', "last_error" = NULL, "updated_at" = ${p(1)}, ${sets} WHERE "state" = 'publishing' AND "id" IN (${ids}) RETURNING "id"`,
        values,
      ),
    );
    const mine = chunk.filter((row) => won.has(row.variant.id));
    await audit.appendMany(
      mine.map(({ variant }) => ({
        at: options.at,
        actor: options.actor,
        action: 'variant.state_changed',
        subjectType: 'post_variant',
        subjectId: variant.id,
        data: { postId: variant.postId, from: 'publishing', to: 'published' },
      })),
      manager,
    );
    for (const { variant, remoteId, remoteUrl, publishedAt } of mine) {
      Object.assign(variant, {
        state: 'published',
        remoteId,
        remoteUrl,
        publishedAt,
        lastError: null,
        updatedAt: options.at,
      });
      recorded.push(variant);
    }
  }
  await settlePosts(manager, [...new Set(recorded.map((variant) => variant.postId))], options, postStates);
  return recorded;
}

/** Settles the posts whose variants may all have ended: batched where it is publishing → published. */
async function settlePosts(
  manager: EntityManager,
  postIds: string[],
  options: { actor: string; at: Date },
  postStates: PostStateService,
): Promise<void> {
  const p = placeholders(manager);
  const toPublished: string[] = [];
  const brands = new Map<string, string>();
  for (let start = 0; start < postIds.length; start += 400) {
    const chunk = postIds.slice(start, start + 400);
    const inList = chunk.map((_, i) => p(i + 1)).join(', ');
    const posts = await manager.query<Array<{ id: string; state: PublishState; brand_id: string }>>(
      `SELECT "id", "state", "brand_id" FROM "posts" WHERE "id" IN (${inList})`,
      chunk,
    );
    const variants = await manager.query<
      Array<{ post_id: string; state: string; last_error: string | null }>
    >(`SELECT "post_id", "state", "last_error" FROM "post_variants" WHERE "post_id" IN (${inList})`, chunk);
    const byPost = new Map<string, Array<{ state: string; lastError: string | null }>>();
    for (const row of variants) {
      const list = byPost.get(row.post_id) ?? [];
      list.push({ state: row.state, lastError: row.last_error });
      byPost.set(row.post_id, list);
    }
    for (const post of posts) {
      brands.set(post.id, post.brand_id);
      const steps = postSettlement(post.state, byPost.get(post.id) ?? []);
      if (post.state === 'publishing' && steps.length === 1 && steps[0].to === 'published') {
        toPublished.push(post.id);
      } else if (steps.length > 0) {
        // Rare on this path (another channel of the post failed, say): one by one, as PostStateService does.
        const entity = await manager.getRepository(PostEntity).findOneByOrFail({ id: post.id });
        for (const step of steps) {
          if (!(await postStates.transition(entity, step.to, { ...options, reason: step.reason }))) {
            break;
          }
        }
      }
    }
  }
  await postStates.transitionMany(
    toPublished,
    { from: 'publishing', to: 'published' },
    { ...options, brandOf: (id) => brands.get(id) ?? '' },
  );
}
