import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { executeCounting, placeholders } from '../persistence/sql-placeholders';
import type { InboxItemInput } from '../plugin-sdk';
import { toFact } from '../rules/fact-values';
import { BatchMatch, RuleBatchEvaluator } from '../rules/rule-batch.evaluator';
import { RuleFactsBuilder } from '../rules/rule-facts.builder';
import { timeOrderedId } from '../persistence/time-ordered-id';

/** The channel a batch of inbox items came from. */
export interface InboxChannel {
  id: string;
  brandId: string;
  key: string;
  connector: string;
  status: string;
}

export interface InboxIngestResult {
  /** Items in the batch that were new (not seen before on this channel). */
  stored: number;
  /** Items the team had answered, found by their replies in the batch. */
  answered: number;
  /** Rule conditions evaluated. */
  evaluations: number;
  /** New rule firings. */
  fired: number;
}

const ROWS_PER_INSERT = 300;

/**
 * Takes comments, mentions and messages from a channel in batches. Items already stored (the platform id
 * makes a redelivered item a no-op) are dropped first; the `inbox.received` rules run over the new ones in
 * memory; then one transaction stores the items and the rule firings together, so an item is never
 * stored without its rules having fired. The firings' actions run after the commit (RuleActions.recover
 * finishes them if the process dies in between). The team's own replies mark what they answer.
 */
@Injectable()
export class InboxIngestor {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly facts: RuleFactsBuilder,
    private readonly rules: RuleBatchEvaluator,
  ) {}

  async ingest(
    channel: InboxChannel,
    items: readonly InboxItemInput[],
    now: Date,
  ): Promise<InboxIngestResult> {
    const incoming = await this.unseen(
      channel.id,
      items.filter((item) => !item.byOwner),
    );
    const rows = incoming.map((item) => ({ item, id: timeOrderedId() }));
    const { matches, evaluations } = await this.match(channel, rows, now);
    const escalated = new Set(
      matches.filter((m) => m.rule.then.some((action) => 'escalate' in action)).map((m) => m.subjectKey),
    );
    const { stored, fired } = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.store(manager, channel.id, rows, escalated);
      const mine = matches.filter((m) => inserted.has(m.subjectKey));
      return { stored: inserted.size, fired: await this.rules.record(manager, mine) };
    });
    await this.rules.act(fired);
    const answered = await this.recordReplies(
      channel.id,
      items.filter((item) => item.byOwner),
    );
    return { stored, answered, evaluations, fired: fired.length };
  }

  /** The items of the batch this channel has not stored yet (one indexed lookup per chunk). */
  private async unseen(channelId: string, items: readonly InboxItemInput[]): Promise<InboxItemInput[]> {
    const p = placeholders(this.dataSource.manager);
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i += ROWS_PER_INSERT * 3) {
      const ids = items.slice(i, i + ROWS_PER_INSERT * 3).map((item) => item.remoteId);
      const rows = await this.dataSource.query<Array<{ remote_id: string }>>(
        `SELECT "remote_id" FROM "inbox_items" WHERE "channel_id" = ${p(1)} AND "remote_id" IN (${ids.map((_, k) => p(k + 2)).join(', ')})`,
        [channelId, ...ids],
      );
      rows.forEach((row) => seen.add(row.remote_id));
    }
    const unique = new Map(
      items.filter((item) => !seen.has(item.remoteId)).map((item) => [item.remoteId, item]),
    );
    return [...unique.values()];
  }

  private async match(
    channel: InboxChannel,
    rows: ReadonlyArray<{ item: InboxItemInput; id: string }>,
    now: Date,
  ): Promise<{ matches: BatchMatch[]; evaluations: number }> {
    const brand = this.config.loaded.config.brands[channel.brandId];
    if (rows.length === 0 || !brand) {
      return { matches: [], evaluations: 0 };
    }
    const common = await this.facts.common(channel.brandId, brand, now);
    const channelFact = toFact('Channel', {
      id: channel.key,
      connector: channel.connector,
      status: channel.status,
      postsPerWeek: brand.channels[channel.key]?.cadence?.postsPerWeek ?? 0,
    });
    const subjects = rows.map(({ item, id }) => ({
      subjectKey: `inbox:${id}`,
      at: now,
      title: `${item.kind} from ${item.author} on ${channel.key}: "${excerpt(item.text)}"`,
      facts: {
        ...common,
        channel: channelFact,
        inbox: toFact('InboxItem', {
          ...item,
          id,
          ageMinutes: Math.max(0, (now.getTime() - item.receivedAt.getTime()) / 60_000),
        }),
      },
    }));
    return this.rules.match(
      'inbox.received',
      channel.brandId,
      subjects,
      (common.cycle as { stage: string }).stage,
    );
  }

  /** Inserts the rows (a concurrent poll may have stored some: those are skipped); returns the subject keys stored. */
  private async store(
    manager: EntityManager,
    channelId: string,
    rows: ReadonlyArray<{ item: InboxItemInput; id: string }>,
    escalated: ReadonlySet<string>,
  ): Promise<Set<string>> {
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
          escalated.has(`inbox:${id}`) ? 'escalated' : 'new',
        );
        return `(${Array.from({ length: 10 }, (_, k) => p(base + k + 1)).join(', ')})`;
      });
      const inserted = await manager.query<Array<{ id: string }>>(
        `INSERT INTO "inbox_items" ("id", "channel_id", "remote_id", "kind", "author", "text", "url", "received_at", "in_reply_to_remote_id", "state") VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING RETURNING "id"`,
        values,
      );
      inserted.forEach(({ id }) => stored.add(`inbox:${id}`));
    }
    return stored;
  }

  /** A reply by the channel's own account answers the item it replies to (the earliest reply counts). */
  private async recordReplies(channelId: string, replies: readonly InboxItemInput[]): Promise<number> {
    const p = placeholders(this.dataSource.manager);
    let answered = 0;
    for (const reply of replies) {
      if (!reply.inReplyToRemoteId) {
        continue;
      }
      answered += await executeCounting(
        this.dataSource.manager,
        `UPDATE "inbox_items" SET "answered_at" = ${p(1)}, "state" = CASE WHEN "state" = 'ignored' THEN "state" ELSE 'answered' END WHERE "channel_id" = ${p(2)} AND "remote_id" = ${p(3)} AND ("answered_at" IS NULL OR "answered_at" > ${p(4)})`,
        [toDbInstant(reply.receivedAt), channelId, reply.inReplyToRemoteId, toDbInstant(reply.receivedAt)],
      );
    }
    return answered;
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}
