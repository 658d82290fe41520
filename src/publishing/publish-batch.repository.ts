import { Injectable } from '@nestjs/common';
import type { PublishState } from '../content/post.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders, returningIds } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';

/** A publish to record: the variant and what the platform answered. */
export interface PublishedRow {
  variantId: string;
  remoteId: string;
  remoteUrl: string | null;
  publishedAt: Date;
}

/** A variant holding a remote id on a channel. */
export interface RemoteIdHolder {
  variantId: string;
  postId: string;
  channelId: string;
  remoteId: string;
}

/** A post whose variants may all have ended, with each variant's state: what settling it needs. */
export interface PostToSettle {
  id: string;
  state: PublishState;
  brandId: string;
  variants: Array<{ state: string; lastError: string | null }>;
}

/**
 * The publishing hot path over `post_variants` (and the posts it settles), many rows per statement: one
 * conditional UPDATE … WHERE id IN (…) per chunk claims or records a batch (bench:publish measures it). Each
 * method is one statement (two for `postsToSettle`) over at most its chunk size, so the caller keeps the order
 * and count of statements the batch makes. Works in the transaction open in the TransactionContext.
 */
@Injectable()
export class PublishBatchRepository {
  /** Ids per claim: well below SQLite's 32,766 bound parameters and Postgres' 65,535. */
  static readonly CLAIM_CHUNK = 400;
  /** Rows per record: 7 parameters each, well below SQLite's and Postgres' bounds. */
  static readonly RECORD_CHUNK = 200;
  /** Posts per settlement lookup. */
  static readonly SETTLE_CHUNK = 400;

  constructor(private readonly tx: TransactionContext) {}

  /**
   * scheduled → publishing for these variants (attempts + 1), conditionally: returns the ids this caller won;
   * any other worker that raced for them gets nothing.
   */
  async claimScheduled(variantIds: readonly string[], at: Date): Promise<Set<string>> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    return new Set(
      await returningIds(
        manager,
        `UPDATE "post_variants" SET "state" = 'publishing', "attempts" = "attempts" + 1, "updated_at" = ${p(1)} WHERE "state" = 'scheduled' AND "id" IN (${variantIds.map((_, i) => p(i + 2)).join(', ')}) RETURNING "id"`,
        [toDbInstant(at), ...variantIds],
      ),
    );
  }

  /**
   * publishing → published with each row's remote id, url and time, in one
   * `UPDATE … SET remote_id = CASE id WHEN … END … WHERE state = 'publishing' AND id IN (…)`; returns the ids
   * recorded (a variant another worker settled first is left out).
   */
  async recordPublished(rows: readonly PublishedRow[], at: Date): Promise<Set<string>> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const values: unknown[] = [toDbInstant(at)];
    const caseOf = (value: (row: PublishedRow) => unknown) =>
      `CASE "id" ${rows.map((row) => `WHEN ${p(values.push(row.variantId))} THEN ${p(values.push(value(row)))}`).join(' ')} END`;
    const sets = [
      `"remote_id" = ${caseOf((row) => row.remoteId)}`,
      `"remote_url" = ${caseOf((row) => row.remoteUrl)}`,
      `"published_at" = ${caseOf((row) => toDbInstant(row.publishedAt))}`,
    ].join(', ');
    const ids = rows.map((row) => p(values.push(row.variantId))).join(', ');
    return new Set(
      await returningIds(
        manager,
        `UPDATE "post_variants" SET "state" = 'published', "last_error" = NULL, "updated_at" = ${p(1)}, ${sets} WHERE "state" = 'publishing' AND "id" IN (${ids}) RETURNING "id"`,
        values,
      ),
    );
  }

  /**
   * Variants of these channels holding any of these remote ids (by `idx_post_variants_channel_id_remote_id`), one
   * SELECT: what a batch of publishes is checked against (one remote id for two idempotency keys).
   */
  async holdersOfRemoteIds(
    channelIds: readonly string[],
    remoteIds: readonly string[],
  ): Promise<RemoteIdHolder[]> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const channels = channelIds.map((_, i) => p(i + 1)).join(', ');
    const ids = remoteIds.map((_, i) => p(channelIds.length + i + 1)).join(', ');
    const rows = await manager.query<
      Array<{ id: string; post_id: string; channel_id: string; remote_id: string }>
    >(
      `SELECT "id", "post_id", "channel_id", "remote_id" FROM "post_variants" WHERE "channel_id" IN (${channels}) AND "remote_id" IN (${ids})`,
      [...channelIds, ...remoteIds],
    );
    return rows.map((row) => ({
      variantId: row.id,
      postId: row.post_id,
      channelId: row.channel_id,
      remoteId: row.remote_id,
    }));
  }

  /** These posts (in the database's order) with the state of each of their variants: two SELECTs. */
  async postsToSettle(postIds: readonly string[]): Promise<PostToSettle[]> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const inList = postIds.map((_, i) => p(i + 1)).join(', ');
    const posts = await manager.query<Array<{ id: string; state: PublishState; brand_id: string }>>(
      `SELECT "id", "state", "brand_id" FROM "posts" WHERE "id" IN (${inList})`,
      [...postIds],
    );
    const variants = await manager.query<
      Array<{ post_id: string; state: string; last_error: string | null }>
    >(`SELECT "post_id", "state", "last_error" FROM "post_variants" WHERE "post_id" IN (${inList})`, [
      ...postIds,
    ]);
    const byPost = new Map<string, PostToSettle['variants']>();
    for (const row of variants) {
      const list = byPost.get(row.post_id) ?? [];
      list.push({ state: row.state, lastError: row.last_error });
      byPost.set(row.post_id, list);
    }
    return posts.map((post) => ({
      id: post.id,
      state: post.state,
      brandId: post.brand_id,
      variants: byPost.get(post.id) ?? [],
    }));
  }
}
