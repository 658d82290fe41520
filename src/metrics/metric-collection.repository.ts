import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity';
import { MetricCollectionEntity } from './metric-collection.entity';
import { MetricSnapshotEntity } from './metric-snapshot.entity';
import { PostVariantEntity } from '../publishing/post-variant.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import { isUniqueViolation } from '../persistence/unique-violation';

/** A `collecting` claim older than this belongs to a scheduler that died: another may take it over. */
export const COLLECTING_LEASE_MS = 10 * 60_000;
/** A failed day is tried again after this long (each scheduler tick looks, but fetches no sooner). */
export const RETRY_FAILED_AFTER_MS = 60 * 60_000;
/** Remote ids per variant lookup. */
const REMOTE_IDS_PER_LOOKUP = 500;

export interface SnapshotRow {
  postVariantId: string | null;
  metrics: Record<string, number>;
}

export interface ChannelCollectionStatus {
  channelId: string;
  lastCollectedDay: string | null;
  lastError: string | null;
  lastErrorDay: string | null;
  lastErrorAt: Date | null;
}

/**
 * The `metric_collections` claims and the `metric_snapshots` they produce (and the channel and variant rows
 * collection reads). A day is claimed before the connector is asked, so several schedulers fetch it once;
 * snapshots are upserted on their unique key, so re-collecting a day replaces its figures instead of adding to
 * them. Every method works in the transaction open in the TransactionContext, if any.
 */
@Injectable()
export class MetricCollectionRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** The channel row of a configured channel, or null before the config is synced. */
  channel(brandId: string, key: string): Promise<ChannelEntity | null> {
    return this.transactions.manager.getRepository(ChannelEntity).findOneBy({ brandId, key });
  }

  /** The channel's variants with these remote ids (the posts Metronome published there): remote id → variant id. */
  async variantIdsByRemoteId(channelId: string, remoteIds: readonly string[]): Promise<Map<string, string>> {
    const byRemoteId = new Map<string, string>();
    for (let i = 0; i < remoteIds.length; i += REMOTE_IDS_PER_LOOKUP) {
      const ids = remoteIds.slice(i, i + REMOTE_IDS_PER_LOOKUP);
      const variants = await this.transactions.manager
        .getRepository(PostVariantEntity)
        .findBy({ channelId, remoteId: In(ids) });
      variants.forEach((variant) => byRemoteId.set(variant.remoteId ?? '', variant.id));
    }
    return byRemoteId;
  }

  /** True when this caller may fetch (channel, day) now. `force` re-collects a collected or failed day. */
  async claim(channelId: string, day: string, now: Date, force = false): Promise<boolean> {
    const manager = this.transactions.manager;
    const collections = manager.getRepository(MetricCollectionEntity);
    const existing = await collections.findOneBy({ channelId, day });
    if (!existing) {
      try {
        await collections.insert({
          channelId,
          day,
          status: 'collecting',
          attempts: 1,
          claimedAt: now,
          finishedAt: null,
          error: null,
        });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) {
          return false; // another scheduler claimed it between our read and our insert
        }
        throw error;
      }
    }
    const age = now.getTime() - existing.claimedAt.getTime();
    const takeable =
      existing.status === 'collecting'
        ? age >= COLLECTING_LEASE_MS
        : force || (existing.status === 'failed' && age >= RETRY_FAILED_AFTER_MS);
    if (!takeable) {
      return false;
    }
    const p = placeholders(manager);
    const claimed = await executeCounting(
      manager,
      `UPDATE "metric_collections" SET "status" = 'collecting', "attempts" = "attempts" + 1, "claimed_at" = ${p(1)} ` +
        `WHERE "channel_id" = ${p(2)} AND "day" = ${p(3)} AND "status" = ${p(4)} AND "claimed_at" = ${p(5)}`,
      [toDbInstant(now), channelId, day, existing.status, toDbInstant(existing.claimedAt)],
    );
    return claimed === 1;
  }

  /** True while a failure of this channel is younger than the retry delay: its platform is not asked again yet. */
  async failedRecently(channelId: string, now: Date): Promise<boolean> {
    const since = new Date(now.getTime() - RETRY_FAILED_AFTER_MS);
    const recent = await this.transactions.manager
      .getRepository(MetricCollectionEntity)
      .createQueryBuilder('c')
      .where('c.channelId = :channelId AND c.status = :failed', { channelId, failed: 'failed' })
      .andWhere('c.claimedAt > :since', { since: toDbInstant(since) })
      .getCount();
    return recent > 0;
  }

  /** Writes the day's snapshots (replacing any from an earlier collection) and marks the day collected. */
  async store(channelId: string, day: string, rows: SnapshotRow[], now: Date): Promise<void> {
    const manager = this.transactions.manager;
    const snapshots = manager.getRepository(MetricSnapshotEntity);
    const scopes = rows.map((row) => MetricSnapshotEntity.scopeKeyFor(row.postVariantId));
    const stale = await snapshots.findBy({ channelId, day });
    const gone = stale.filter((snapshot) => !scopes.includes(snapshot.scopeKey)).map((s) => s.id);
    if (gone.length > 0) {
      await snapshots.delete({ id: In(gone) });
    }
    if (rows.length > 0) {
      await snapshots
        .createQueryBuilder()
        .insert()
        .values(
          rows.map((row) =>
            snapshots.create({
              channelId,
              postVariantId: row.postVariantId,
              scopeKey: MetricSnapshotEntity.scopeKeyFor(row.postVariantId),
              day,
              metrics: row.metrics,
              collectedAt: now,
            }),
          ),
        )
        .orUpdate(['metrics', 'collected_at'], ['channel_id', 'scope_key', 'day'])
        .execute();
    }
    await manager
      .getRepository(MetricCollectionEntity)
      .update({ channelId, day }, { status: 'collected', finishedAt: now, error: null });
  }

  async fail(channelId: string, day: string, error: string, now: Date): Promise<void> {
    await this.transactions.manager
      .getRepository(MetricCollectionEntity)
      .update({ channelId, day }, { status: 'failed', finishedAt: now, error: error.slice(0, 2000) });
  }

  /** Every channel the database knows (the config's channels, recorded), whose collection status can be shown. */
  channels(): Promise<ChannelEntity[]> {
    return this.transactions.manager.getRepository(ChannelEntity).find();
  }

  /** Per channel: the newest collected day and the newest failure (shown by `metronome metrics status`). */
  async status(channelIds: string[]): Promise<ChannelCollectionStatus[]> {
    if (channelIds.length === 0) {
      return [];
    }
    const rows = await this.transactions.manager
      .getRepository(MetricCollectionEntity)
      .findBy({ channelId: In(channelIds) });
    return channelIds.map((channelId) => {
      const mine = rows.filter((row) => row.channelId === channelId);
      const collected = mine.filter((row) => row.status === 'collected').map((row) => row.day);
      const failed = mine
        .filter((row) => row.status === 'failed')
        .sort((a, b) => (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0))
        .at(-1);
      return {
        channelId,
        lastCollectedDay: collected.sort().at(-1) ?? null,
        lastError: failed?.error ?? null,
        lastErrorDay: failed?.day ?? null,
        lastErrorAt: failed?.finishedAt ?? null,
      };
    });
  }
}
