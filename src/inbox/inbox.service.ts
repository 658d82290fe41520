import { Clock } from '../clock/clock';
import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../persistence/audit.repository';
import { InboxItemEntity, InboxItemState } from './inbox-item.entity';
import { InvalidError, NotFoundError } from '../errors/domain.error';
import { TransactionContext } from '../persistence/transaction-context';
import { InboxItemRepository } from './inbox-item.repository';

export interface InboxListQuery {
  brand?: string;
  /** Only these brands (an API token limited to them). */
  brands?: readonly string[];
  state?: InboxItemState;
  limit?: number;
}

export interface InboxListItem {
  id: string;
  brand: string;
  channel: string;
  kind: string;
  author: string;
  text: string;
  url: string | null;
  receivedAt: Date;
  answeredAt: Date | null;
  state: InboxItemState;
  /** Who is to answer it (a `people:` id), or null. */
  assignee: string | null;
}

/** What people do with the inbox: read it, record an answer given on the platform, or set an item aside. */
@Injectable()
export class InboxService {
  constructor(
    private readonly items: InboxItemRepository,
    private readonly audit: AuditRepository,
    private readonly transactions: TransactionContext,
    private readonly clock: Clock,
  ) {}

  async list(query: InboxListQuery): Promise<InboxListItem[]> {
    const channels = await this.items.channels(query);
    if (query.brand && query.brands && !query.brands.includes(query.brand)) {
      return [];
    }
    const byId = new Map(channels.map((channel) => [channel.id, channel]));
    if (byId.size === 0) {
      return [];
    }
    const items = await this.items.newestOfChannels(
      [...byId.keys()],
      query.state,
      Math.min(query.limit ?? 100, 1000),
    );
    return items.map((item) => {
      const channel = byId.get(item.channelId)!;
      return {
        id: item.id,
        brand: channel.brandId,
        channel: channel.key,
        kind: item.kind,
        author: item.author,
        text: item.text,
        url: item.url,
        receivedAt: item.receivedAt,
        answeredAt: item.answeredAt,
        state: item.state,
        assignee: item.assignee ?? null,
      };
    });
  }

  /** Records that someone answered on the platform (connectors that report the team's replies do this themselves). */
  answer(id: string, by: string, at = this.clock.now()): Promise<InboxItemEntity> {
    return this.change(id, by, 'answered', at);
  }

  /** Spam, or nothing to answer: the item no longer counts against the response SLA. */
  ignore(id: string, by: string, at = this.clock.now()): Promise<InboxItemEntity> {
    return this.change(id, by, 'ignored', at);
  }

  /**
   * Gives the item to `assignee` to answer (null: to nobody). The caller checks that the assignee may work
   * this brand's inbox; an answered or ignored item is not assigned any more.
   */
  assign(id: string, assignee: string | null, by: string, at = this.clock.now()): Promise<InboxItemEntity> {
    return this.transactions.run(async () => {
      const item = await this.items.byId(id);
      if (!item) {
        throw new NotFoundError(`no inbox item ${id}: see \`metronome inbox list\``);
      }
      if (item.state === 'answered' || item.state === 'ignored') {
        throw new InvalidError(`inbox item ${id} is already ${item.state}: there is nothing left to assign`);
      }
      const previous = item.assignee ?? null;
      if (previous === assignee) {
        return item;
      }
      item.assignee = assignee;
      await this.items.setAssignee(id, assignee);
      await this.audit.append({
        actor: by,
        action: assignee ? 'inbox.assigned' : 'inbox.unassigned',
        subjectType: 'inbox',
        subjectId: id,
        data: { assignee, previous },
        at,
      });
      return item;
    });
  }

  private async change(
    id: string,
    by: string,
    state: 'answered' | 'ignored',
    at: Date,
  ): Promise<InboxItemEntity> {
    return this.transactions.run(async () => {
      const item = await this.items.byId(id);
      if (!item) {
        throw new NotFoundError(`no inbox item ${id}: see \`metronome inbox list\``);
      }
      if (item.state === 'answered' || item.state === 'ignored') {
        throw new InvalidError(`inbox item ${id} is already ${item.state}`);
      }
      item.state = state;
      if (state === 'answered') {
        item.answeredAt = at;
      }
      await this.items.setState(id, state, item.answeredAt);
      await this.audit.append({
        actor: by,
        action: `inbox.${state}`,
        subjectType: 'inbox',
        subjectId: id,
        at,
      });
      return item;
    });
  }
}
