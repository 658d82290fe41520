import { Injectable } from '@nestjs/common';
import { ChannelEntity } from '../channels/channel.entity';
import { ProfileCheckEntity, type ProfileDifference } from './profile-check.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import { isUniqueViolation } from '../persistence/unique-violation';

/**
 * The `profile_checks` table: one row per channel, the last check's time, differences and error (and the channel
 * rows the checker reads). A check is claimed by moving `checked_at` on from the value the caller saw, so several
 * schedulers check a channel once. Every method works in the transaction open in the TransactionContext, if any.
 */
@Injectable()
export class ProfileCheckRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** The channel row of a configured channel, or null before the config is synced. */
  channel(brandId: string, key: string): Promise<ChannelEntity | null> {
    return this.transactions.manager.getRepository(ChannelEntity).findOneBy({ brandId, key });
  }

  /** The channel's last check, or null when it was never checked. */
  lastCheck(channelId: string): Promise<ProfileCheckEntity | null> {
    return this.transactions.manager.getRepository(ProfileCheckEntity).findOneBy({ channelId });
  }

  /** Records the channel's first check as under way at `at`; false when another caller recorded it first. */
  async claimFirst(channelId: string, at: Date): Promise<boolean> {
    try {
      await this.transactions.manager
        .getRepository(ProfileCheckEntity)
        .insert({ channelId, checkedAt: at, differences: [], error: null });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
    }
  }

  /** Moves the channel's check on from `previous` (the time the caller saw) to `at`; false when another caller did. */
  async claimNext(channelId: string, previous: Date, at: Date): Promise<boolean> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    const claimed = await executeCounting(
      manager,
      `UPDATE "profile_checks" SET "checked_at" = ${p(1)} WHERE "channel_id" = ${p(2)} AND "checked_at" = ${p(3)}`,
      [toDbInstant(at), channelId, toDbInstant(previous)],
    );
    return claimed === 1;
  }

  /** Stores what a check found (clearing an earlier error). */
  async recordResult(channelId: string, at: Date, differences: ProfileDifference[]): Promise<void> {
    await this.transactions.manager
      .getRepository(ProfileCheckEntity)
      .update({ channelId }, { checkedAt: at, differences, error: null });
  }

  /** Stores why a check failed; the differences found before stay. */
  async recordError(channelId: string, error: string): Promise<void> {
    await this.transactions.manager
      .getRepository(ProfileCheckEntity)
      .update({ channelId }, { error: error.slice(0, 2000) });
  }

  /** Enforce mode: the drift was changed back (or is gone): no refusal is remembered. */
  async recordEnforced(channelId: string): Promise<void> {
    await this.transactions.manager
      .getRepository(ProfileCheckEntity)
      .update(
        { channelId },
        { enforceKey: null, enforceError: null, enforceFailures: 0, enforceRetryAt: null },
      );
  }

  /** Enforce mode: the platform refused to change the drift `key` back; not asked again before `retryAt`. */
  async recordEnforceRefused(
    channelId: string,
    key: string,
    reason: string,
    failures: number,
    retryAt: Date,
  ): Promise<void> {
    await this.transactions.manager.getRepository(ProfileCheckEntity).update(
      { channelId },
      {
        enforceKey: key,
        enforceError: reason.slice(0, 2000),
        enforceFailures: failures,
        enforceRetryAt: retryAt,
      },
    );
  }
}
