import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { TransactionContext } from '../persistence/transaction-context';
import type { InboxItemInput } from '../plugin-sdk';
import { toFact } from '../rules/fact-values';
import { BatchMatch, RuleBatchEvaluator } from '../rules/rule-batch.evaluator';
import { RuleFactsBuilder } from '../rules/rule-facts.builder';
import { timeOrderedId } from '../persistence/time-ordered-id';
import { InboxItemRepository } from './inbox-item.repository';

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
    private readonly items: InboxItemRepository,
    private readonly transactions: TransactionContext,
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
    const { stored, fired } = await this.transactions.run(async () => {
      const inserted = await this.items.insertNew(channel.id, rows, (id) => escalated.has(`inbox:${id}`));
      const storedKeys = new Set([...inserted].map((id) => `inbox:${id}`));
      const mine = matches.filter((m) => storedKeys.has(m.subjectKey));
      return { stored: inserted.size, fired: await this.rules.record(mine) };
    });
    await this.rules.act(fired);
    const answered = await this.recordReplies(
      channel.id,
      items.filter((item) => item.byOwner),
    );
    return { stored, answered, evaluations, fired: fired.length };
  }

  /** The items of the batch this channel has not stored yet. */
  private async unseen(channelId: string, items: readonly InboxItemInput[]): Promise<InboxItemInput[]> {
    const seen = await this.items.storedRemoteIds(
      channelId,
      items.map((item) => item.remoteId),
    );
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

  /** A reply by the channel's own account answers the item it replies to (the earliest reply counts). */
  private async recordReplies(channelId: string, replies: readonly InboxItemInput[]): Promise<number> {
    let answered = 0;
    for (const reply of replies) {
      if (reply.inReplyToRemoteId) {
        answered += await this.items.answerByReply(channelId, reply.inReplyToRemoteId, reply.receivedAt);
      }
    }
    return answered;
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}
