import { Injectable } from '@nestjs/common';
import { In, IsNull, Like, MoreThan, Not } from 'typeorm';
import type { ChannelEntity } from '../../channels/channel.entity';
import { PostVariantEntity } from '../../publishing/post-variant.entity';
import { AuditEventEntity } from '../../persistence/entities/audit-event.entity';
import { TransactionContext } from '../../persistence/transaction-context';

/** What the Channels screen shows of a channel beside its row: read-only facts from the database. */
export interface ChannelFacts {
  /** Why the platform refused its credentials (the audit row written when it was marked needs_reconnect). */
  reconnectReason?: string;
  lastPublish?: { at: Date; postId: string; remoteUrl: string | null };
  /** Its posts wait for a platform rate limit until then (see RateLimitWaits: the variant's lastError says so). */
  rateLimitedUntil?: Date;
}

/**
 * Reads the facts the Channels screen shows, for many channels at once. Nothing here decides anything: the
 * status is the channel row's, the reason the audit trail's, the rate-limit wait the scheduled time publishing
 * gave the channel's waiting variants (any process may have set it, so it is read from the database, not from
 * a worker's in-memory budget).
 */
@Injectable()
export class ChannelOverviewQuery {
  constructor(private readonly transactions: TransactionContext) {}

  async facts(channels: readonly ChannelEntity[], now: Date): Promise<Map<string, ChannelFacts>> {
    const result = new Map<string, ChannelFacts>(channels.map((channel) => [channel.id, {}]));
    if (channels.length === 0) {
      return result;
    }
    const manager = this.transactions.manager;
    const ids = channels.map((channel) => channel.id);
    const needing = channels.filter((channel) => channel.status === 'needs_reconnect').map((c) => c.id);
    if (needing.length > 0) {
      const events = await manager.getRepository(AuditEventEntity).find({
        where: { action: 'channel.needs_reconnect', subjectType: 'channel', subjectId: In(needing) },
        order: { id: 'DESC' },
      });
      for (const event of events) {
        const facts = result.get(event.subjectId)!;
        if (facts.reconnectReason === undefined && typeof event.data.reason === 'string') {
          facts.reconnectReason = event.data.reason;
        }
      }
    }
    const variants = manager.getRepository(PostVariantEntity);
    for (const id of ids) {
      const last = await variants.findOne({
        where: { channelId: id, publishedAt: Not(IsNull()) },
        order: { publishedAt: 'DESC' },
        select: { postId: true, publishedAt: true, remoteUrl: true },
      });
      if (last?.publishedAt) {
        result.get(id)!.lastPublish = {
          at: last.publishedAt,
          postId: last.postId,
          remoteUrl: last.remoteUrl,
        };
      }
    }
    const waiting = await variants.find({
      where: {
        channelId: In(ids),
        state: 'scheduled',
        scheduledAt: MoreThan(now),
        lastError: Like('%rate limit%'),
      },
      select: { channelId: true, scheduledAt: true },
    });
    for (const variant of waiting) {
      const facts = result.get(variant.channelId)!;
      if (variant.scheduledAt && (!facts.rateLimitedUntil || variant.scheduledAt < facts.rateLimitedUntil)) {
        // The earliest: the channel sends again from then (later ones are the posts queued behind it).
        facts.rateLimitedUntil = variant.scheduledAt;
      }
    }
    return result;
  }
}
