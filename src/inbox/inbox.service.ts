import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditRepository } from '../persistence/audit.repository';
import { ChannelEntity } from '../persistence/entities/channel.entity';
import { InboxItemEntity, InboxItemState } from '../persistence/entities/inbox-item.entity';
import { InvalidError, NotFoundError } from '../errors/domain.error';

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
}

/** What people do with the inbox: read it, record an answer given on the platform, or set an item aside. */
@Injectable()
export class InboxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  async list(query: InboxListQuery): Promise<InboxListItem[]> {
    const channels = await this.dataSource
      .getRepository(ChannelEntity)
      .findBy(
        query.brand ? { brandId: query.brand } : query.brands ? { brandId: In([...query.brands]) } : {},
      );
    if (query.brand && query.brands && !query.brands.includes(query.brand)) {
      return [];
    }
    const byId = new Map(channels.map((channel) => [channel.id, channel]));
    if (byId.size === 0) {
      return [];
    }
    const items = await this.dataSource.getRepository(InboxItemEntity).find({
      where: {
        channelId: In([...byId.keys()]),
        ...(query.state ? { state: query.state } : { state: In(['new', 'escalated']) }),
      },
      order: { receivedAt: 'DESC' },
      take: Math.min(query.limit ?? 100, 1000),
    });
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
      };
    });
  }

  /** Records that someone answered on the platform (connectors that report the team's replies do this themselves). */
  answer(id: string, by: string, at = new Date()): Promise<InboxItemEntity> {
    return this.change(id, by, 'answered', at);
  }

  /** Spam, or nothing to answer: the item no longer counts against the response SLA. */
  ignore(id: string, by: string, at = new Date()): Promise<InboxItemEntity> {
    return this.change(id, by, 'ignored', at);
  }

  private async change(
    id: string,
    by: string,
    state: 'answered' | 'ignored',
    at: Date,
  ): Promise<InboxItemEntity> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(InboxItemEntity);
      const item = await repository.findOneBy({ id });
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
      await repository.update({ id }, { state, answeredAt: item.answeredAt });
      await this.audit.append(
        { actor: by, action: `inbox.${state}`, subjectType: 'inbox', subjectId: id, at },
        manager,
      );
      return item;
    });
  }
}
