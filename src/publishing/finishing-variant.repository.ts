import { Injectable } from '@nestjs/common';
import { ChannelEntity } from '../channels/channel.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders, returningIds } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import type { DueVariant } from './due-variant';
import { PostVariantEntity } from './post-variant.entity';

/**
 * `finishing` variants (two-step publishing) and their checks. A check is claimed by pushing `next_check_at` one
 * lease ahead in a conditional UPDATE, so two workers never ask about the same variant at once, and a worker that
 * dies while asking leaves it due again once the lease ends (no reconcile needed: it never looks `publishing`).
 */
@Injectable()
export class FinishingVariantRepository {
  constructor(private readonly tx: TransactionContext) {}

  /** Finishing variants whose check is due by `now`, on channels that may publish, soonest first. */
  async due(now: Date, limit: number): Promise<DueVariant[]> {
    const rows = (await this.tx.manager
      .getRepository(PostVariantEntity)
      .createQueryBuilder('variant')
      .innerJoinAndMapOne('variant.channel', ChannelEntity, 'channel', 'channel.id = variant.channel_id')
      .where("variant.state = 'finishing'")
      .andWhere('variant.next_check_at <= :now', { now: toDbInstant(now) })
      // A channel whose credentials were refused is asked nothing until it is reconnected.
      .andWhere("channel.status <> 'needs_reconnect'")
      .orderBy('variant.next_check_at', 'ASC')
      .limit(limit)
      .getMany()) as Array<PostVariantEntity & { channel: ChannelEntity }>;
    return rows.map((variant) => ({ variant, channel: variant.channel }));
  }

  /** Claims the checks of these variants still due at `now` until `leaseUntil`; returns the ids this caller won. */
  async claim(variantIds: readonly string[], now: Date, leaseUntil: Date): Promise<Set<string>> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    return new Set(
      await returningIds(
        manager,
        `UPDATE "post_variants" SET "next_check_at" = ${p(1)}, "updated_at" = ${p(2)} WHERE "state" = 'finishing' AND "next_check_at" <= ${p(3)} AND "id" IN (${variantIds.map((_, i) => p(i + 4)).join(', ')}) RETURNING "id"`,
        [toDbInstant(leaseUntil), toDbInstant(now), toDbInstant(now), ...variantIds],
      ),
    );
  }

  /**
   * Sets the next check of a variant this caller claimed at `claimedAt` (a check, not a move: no audit row), with
   * what the last one learnt. False when the claim passed to another worker meanwhile.
   */
  async checkLater(
    variantId: string,
    claimedAt: Date,
    change: { nextCheckAt: Date; lastError: string | null; at: Date },
  ): Promise<boolean> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const affected = await executeCounting(
      manager,
      `UPDATE "post_variants" SET "next_check_at" = ${p(1)}, "last_error" = ${p(2)}, "updated_at" = ${p(3)} WHERE "id" = ${p(4)} AND "state" = 'finishing' AND "updated_at" = ${p(5)}`,
      [
        toDbInstant(change.nextCheckAt),
        change.lastError,
        toDbInstant(change.at),
        variantId,
        toDbInstant(claimedAt),
      ],
    );
    return affected === 1;
  }
}
