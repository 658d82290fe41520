import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity';
import { PostVariantEntity } from './post-variant.entity';
import { PostEntity, type PublishState } from '../content/post.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import type { DueVariant } from './due-variant';

/** The columns a variant's move may change besides its state. */
export type VariantChanges = Partial<
  Pick<
    PostVariantEntity,
    | 'attempts'
    | 'lastError'
    | 'remoteId'
    | 'remoteUrl'
    | 'publishedAt'
    | 'scheduledAt'
    | 'remoteHandle'
    | 'acceptedAt'
    | 'nextCheckAt'
  >
>;

/** A scheduled variant as the Bull dispatcher keys its jobs: `scheduledAt` as stored. */
export interface DispatchableVariant {
  id: string;
  scheduledAt: string;
  attempts: number;
}

const COLUMN_OF: Record<keyof VariantChanges, string> = {
  attempts: 'attempts',
  lastError: 'last_error',
  remoteId: 'remote_id',
  remoteUrl: 'remote_url',
  publishedAt: 'published_at',
  scheduledAt: 'scheduled_at',
  remoteHandle: 'remote_handle',
  acceptedAt: 'accepted_at',
  nextCheckAt: 'next_check_at',
};

/**
 * The `post_variants` table one variant at a time (and the post a variant belongs to): what is due, claims and
 * conditional moves. Every method works in the transaction open in the TransactionContext, if any. The moves are
 * plain SQL: they run twice per published post (bench:publish).
 */
@Injectable()
export class PostVariantRepository {
  constructor(private readonly tx: TransactionContext) {}

  /** Scheduled variants due by `until`, oldest first, on channels that may publish. */
  due(until: Date, limit: number): Promise<DueVariant[]> {
    return load(
      this.withChannel()
        .where("variant.state = 'scheduled'")
        .andWhere('variant.scheduled_at <= :until', { until: toDbInstant(until) })
        // A channel whose credentials were refused publishes nothing until it is reconnected.
        .andWhere("channel.status <> 'needs_reconnect'")
        .orderBy('variant.scheduled_at', 'ASC')
        .addOrderBy('variant.id', 'ASC')
        .limit(limit),
    );
  }

  /** Variants by id, whatever their state; ids that no longer exist are left out. */
  async byIds(ids: string[]): Promise<DueVariant[]> {
    return ids.length === 0 ? [] : load(this.withChannel().where('variant.id IN (:...ids)', { ids }));
  }

  /** Variants `publishing` since before `before`: claims a dead worker may have left. */
  staleClaims(before: Date, limit: number): Promise<DueVariant[]> {
    return load(
      this.withChannel()
        .where("variant.state = 'publishing'")
        .andWhere('variant.updated_at < :before', { before: toDbInstant(before) })
        .limit(limit),
    );
  }

  /** Scheduled variants due by `until` on channels that may publish, soonest first: the Bull dispatcher's round. */
  dispatchable(until: Date, limit: number): Promise<DispatchableVariant[]> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    return manager
      .query<Array<{ id: string; scheduled_at: string; attempts: number }>>(
        `SELECT "id", "scheduled_at", "attempts" FROM "post_variants" WHERE "state" = 'scheduled' AND "scheduled_at" <= ${p(1)} AND "channel_id" NOT IN (SELECT "id" FROM "channels" WHERE "status" = 'needs_reconnect') ORDER BY "scheduled_at", "id" LIMIT ${Number(limit)}`,
        [toDbInstant(until)],
      )
      .then((rows) =>
        rows.map((row) => ({ id: row.id, scheduledAt: row.scheduled_at, attempts: Number(row.attempts) })),
      );
  }

  /**
   * Another variant of the channel already holding `remoteId` (by `idx_post_variants_channel_id_remote_id`): a
   * connector answering one remote id for two idempotency keys.
   */
  async holderOfRemoteId(
    channelId: string,
    remoteId: string,
    exceptVariantId: string,
  ): Promise<{ variantId: string; postId: string } | undefined> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const [row] = await manager.query<Array<{ id: string; post_id: string }>>(
      `SELECT "id", "post_id" FROM "post_variants" WHERE "channel_id" = ${p(1)} AND "remote_id" = ${p(2)} AND "id" <> ${p(3)} LIMIT 1`,
      [channelId, remoteId, exceptVariantId],
    );
    return row ? { variantId: row.id, postId: row.post_id } : undefined;
  }

  /** Every channel variant of a post. */
  ofPost(postId: string): Promise<PostVariantEntity[]> {
    return this.tx.manager.getRepository(PostVariantEntity).findBy({ postId });
  }

  /** The post a variant belongs to, or null once it is gone. */
  findPost(postId: string): Promise<PostEntity | null> {
    return this.tx.manager.getRepository(PostEntity).findOneBy({ id: postId });
  }

  /** The post a variant belongs to; throws when it is gone. */
  post(postId: string): Promise<PostEntity> {
    return this.tx.manager.getRepository(PostEntity).findOneByOrFail({ id: postId });
  }

  /**
   * Renews a claim (`publishing`, untouched since `claimedAt`) to `at`: a heartbeat, not a move. False when
   * someone else moved or renewed the variant meanwhile.
   */
  async refreshClaim(variantId: string, claimedAt: Date, at: Date): Promise<boolean> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const affected = await executeCounting(
      manager,
      `UPDATE "post_variants" SET "updated_at" = ${p(1)} WHERE "id" = ${p(2)} AND "state" = 'publishing' AND "updated_at" = ${p(3)}`,
      [toDbInstant(at), variantId, toDbInstant(claimedAt)],
    );
    return affected === 1;
  }

  /**
   * Moves a variant from the state the caller saw (`from`) to `to`, with `changes`: one conditional UPDATE. With
   * `unchangedSince`, only if nobody touched the row since that `updated_at`. False when another worker won.
   */
  async move(
    variantId: string,
    move: { from: PublishState; to: PublishState; at: Date; unchangedSince?: Date },
    changes: VariantChanges,
  ): Promise<boolean> {
    const manager = this.tx.manager;
    const columns: Record<string, unknown> = { state: move.to, updated_at: toDbInstant(move.at) };
    for (const [key, value] of Object.entries(changes)) {
      columns[COLUMN_OF[key as keyof VariantChanges]] = value instanceof Date ? toDbInstant(value) : value;
    }
    const p = placeholders(manager);
    const entries = Object.entries(columns);
    const sets = entries.map(([column], i) => `"${column}" = ${p(i + 1)}`).join(', ');
    const affected = await executeCounting(
      manager,
      `UPDATE "post_variants" SET ${sets} WHERE "id" = ${p(entries.length + 1)} AND "state" = ${p(entries.length + 2)}${
        move.unchangedSince ? ` AND "updated_at" = ${p(entries.length + 3)}` : ''
      }`,
      [
        ...entries.map(([, value]) => value),
        variantId,
        move.from,
        ...(move.unchangedSince ? [toDbInstant(move.unchangedSince)] : []),
      ],
    );
    return affected === 1;
  }

  private withChannel(): SelectQueryBuilder<PostVariantEntity> {
    return this.tx.manager
      .getRepository(PostVariantEntity)
      .createQueryBuilder('variant')
      .innerJoinAndMapOne('variant.channel', ChannelEntity, 'channel', 'channel.id = variant.channel_id');
  }
}

async function load(query: SelectQueryBuilder<PostVariantEntity>): Promise<DueVariant[]> {
  const rows = (await query.getMany()) as Array<PostVariantEntity & { channel: ChannelEntity }>;
  return rows.map((variant) => ({ variant, channel: variant.channel }));
}
