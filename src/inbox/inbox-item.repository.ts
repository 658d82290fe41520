import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity';
import { InboxItemEntity, type InboxItemState } from './inbox-item.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import type { InboxItemInput } from '../plugin-sdk';

/** Rows per multi-row INSERT; a lookup by remote id takes three times as many ids per statement. */
const ROWS_PER_INSERT = 300;

/** A new inbox item and the id it is stored under. */
export interface NewInboxItem {
  item: InboxItemInput;
  id: string;
}

/**
 * The `inbox_items` table (and the channel rows the inbox reads). Every method works in the transaction open in
 * the TransactionContext, if any. Ingestion is a measured hot path (bench:rules): batches use plain multi-row SQL.
 */
@Injectable()
export class InboxItemRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** The channel row of a configured channel, or null before the config is synced. */
  channel(brandId: string, key: string): Promise<ChannelEntity | null> {
    return this.transactions.manager.getRepository(ChannelEntity).findOneBy({ brandId, key });
  }

  /** The channels of one brand, of some brands, or (no filter) of all. */
  channels(filter: { brand?: string; brands?: readonly string[] }): Promise<ChannelEntity[]> {
    return this.transactions.manager
      .getRepository(ChannelEntity)
      .findBy(
        filter.brand ? { brandId: filter.brand } : filter.brands ? { brandId: In([...filter.brands]) } : {},
      );
  }

  /** The newest item stored for a channel (when it was received), if any. */
  async newestReceivedAt(channelId: string): Promise<Date | undefined> {
    const manager = this.transactions.manager;
    const [row] = await manager.query<Array<{ newest: string | null }>>(
      `SELECT MAX("received_at") AS "newest" FROM "inbox_items" WHERE "channel_id" = ${placeholders(manager)(1)}`,
      [channelId],
    );
    return row?.newest ? new Date(row.newest) : undefined;
  }

  /** Which of these remote ids the channel has stored already (one indexed lookup per chunk). */
  async storedRemoteIds(channelId: string, remoteIds: readonly string[]): Promise<Set<string>> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    const seen = new Set<string>();
    for (let i = 0; i < remoteIds.length; i += ROWS_PER_INSERT * 3) {
      const ids = remoteIds.slice(i, i + ROWS_PER_INSERT * 3);
      const rows = await manager.query<Array<{ remote_id: string }>>(
        `SELECT "remote_id" FROM "inbox_items" WHERE "channel_id" = ${p(1)} AND "remote_id" IN (${ids.map((_, k) => p(k + 2)).join(', ')})`,
        [channelId, ...ids],
      );
      rows.forEach((row) => seen.add(row.remote_id));
    }
    return seen;
  }

  /**
   * Inserts the items (a concurrent poll may have stored some: those are skipped), `escalated` or `new`;
   * returns the ids stored.
   */
  async insertNew(
    channelId: string,
    rows: readonly NewInboxItem[],
    escalated: (id: string) => boolean,
  ): Promise<Set<string>> {
    const manager = this.transactions.manager;
    const stored = new Set<string>();
    const p = placeholders(manager);
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const values: unknown[] = [];
      const tuples = rows.slice(i, i + ROWS_PER_INSERT).map(({ item, id }) => {
        const base = values.length;
        values.push(
          id,
          channelId,
          item.remoteId,
          item.kind,
          item.author,
          item.text,
          item.url ?? null,
          toDbInstant(item.receivedAt),
          item.inReplyToRemoteId ?? null,
          escalated(id) ? 'escalated' : 'new',
        );
        return `(${Array.from({ length: 10 }, (_, k) => p(base + k + 1)).join(', ')})`;
      });
      const inserted = await manager.query<Array<{ id: string }>>(
        `INSERT INTO "inbox_items" ("id", "channel_id", "remote_id", "kind", "author", "text", "url", "received_at", "in_reply_to_remote_id", "state") VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING RETURNING "id"`,
        values,
      );
      inserted.forEach(({ id }) => stored.add(id));
    }
    return stored;
  }

  /**
   * Marks the item a reply answers as answered at the reply's time, unless an earlier reply answered it already
   * (an ignored item keeps its state); returns how many items changed (0 or 1).
   */
  answerByReply(channelId: string, inReplyToRemoteId: string, at: Date): Promise<number> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    return executeCounting(
      manager,
      `UPDATE "inbox_items" SET "answered_at" = ${p(1)}, "state" = CASE WHEN "state" = 'ignored' THEN "state" ELSE 'answered' END WHERE "channel_id" = ${p(2)} AND "remote_id" = ${p(3)} AND ("answered_at" IS NULL OR "answered_at" > ${p(4)})`,
      [toDbInstant(at), channelId, inReplyToRemoteId, toDbInstant(at)],
    );
  }

  /** The newest items of these channels in `state` (by default those waiting: new or escalated), at most `limit`. */
  newestOfChannels(
    channelIds: readonly string[],
    state: InboxItemState | undefined,
    limit: number,
  ): Promise<InboxItemEntity[]> {
    return this.transactions.manager.getRepository(InboxItemEntity).find({
      where: {
        channelId: In([...channelIds]),
        ...(state ? { state } : { state: In(['new', 'escalated']) }),
      },
      order: { receivedAt: 'DESC' },
      take: limit,
    });
  }

  byId(id: string): Promise<InboxItemEntity | null> {
    return this.transactions.manager.getRepository(InboxItemEntity).findOneBy({ id });
  }

  /** Sets an item's state (and when it was answered). */
  async setAssignee(id: string, assignee: string | null): Promise<void> {
    await this.transactions.manager.getRepository(InboxItemEntity).update({ id }, { assignee });
  }

  async setState(id: string, state: InboxItemState, answeredAt: Date | null): Promise<void> {
    await this.transactions.manager.getRepository(InboxItemEntity).update({ id }, { state, answeredAt });
  }
}
