import { Injectable } from '@nestjs/common';
import ical, { type ICalEventData } from 'ical-generator';
import { BrandAccess } from '../../access/brand-access';
import { ChannelEntity } from '../../channels/channel.entity';
import { ConfigService } from '../../config/config.service';
import type { MetronomeConfig } from '../../config/schema/metronome-config.schema';
import { PostEntity } from '../../content/post.entity';
import { PostQueryService } from '../../content/post-query.service';
import { currentAndNextMonth, cycleCalendar } from '../../cycles/cycle-calendar';
import { toDbInstant } from '../../persistence/instant-column.decorator';
import { TransactionContext } from '../../persistence/transaction-context';
import { PostVariantEntity } from '../../publishing/post-variant.entity';
import type { CalendarFeedEntity } from '../session/calendar-feed.entity';
import { displayText } from '../rendering/view-helpers';
import { WaitingOnMeQuery } from '../today/waiting-on-me';
import { webBaseUrl } from '../web-base-url';

/** A feed holds at most this many events. */
export const MAX_FEED_EVENTS = 1000;
/** Posts from this far back … */
export const FEED_PAST_MS = 30 * 86_400_000;
/** … to this far ahead. */
export const FEED_AHEAD_MS = 180 * 86_400_000;
/** Every event lasts 15 minutes. */
const EVENT_MS = 15 * 60_000;
/** The post states a brand feed shows: on their way out, or out. */
const FEED_POST_STATES = ['scheduled', 'publishing', 'published'] as const;

const STATE_WORDS: Record<string, string> = {
  scheduled: 'Scheduled',
  publishing: 'Publishing',
  finishing: 'Publishing (the platform finishes it)',
  published: 'Published',
  failed: 'Failed',
  missed: 'Missed',
  held: 'Held',
  cancelled: 'Cancelled',
};

/**
 * Builds a feed's ICS text, or answers undefined when the feed may no longer be served: its person left the
 * configuration, or (a brand feed) lost every role on the brand, or the brand is gone. Every event is in UTC
 * (DTSTART …Z, no VTIMEZONE): calendar apps show it in the subscriber's own zone.
 */
@Injectable()
export class CalendarFeedBuilder {
  constructor(
    private readonly config: ConfigService,
    private readonly access: BrandAccess,
    private readonly posts: PostQueryService,
    private readonly waiting: WaitingOnMeQuery,
    private readonly transactions: TransactionContext,
  ) {}

  /** Whether the feed may still be served to its person. */
  servable(feed: CalendarFeedEntity): boolean {
    if (feed.revokedAt || !this.access.isPerson(feed.person)) {
      return false;
    }
    if (feed.scope === 'brand') {
      return !!feed.brandId && this.access.can(feed.person, feed.brandId, 'view');
    }
    return feed.scope === 'person';
  }

  async build(feed: CalendarFeedEntity, now: Date): Promise<string | undefined> {
    if (!this.servable(feed)) {
      return undefined;
    }
    const config = this.config.loaded.config;
    const base = webBaseUrl(config);
    const events =
      feed.scope === 'brand'
        ? await this.brandEvents(config, feed.brandId!, now, base)
        : await this.personEvents(config, feed.person, now, base);
    const person = config.people[feed.person];
    const calendar = ical({
      name:
        feed.scope === 'brand'
          ? `${config.brands[feed.brandId!].name} · Metronome`
          : `${person.name} · Metronome`,
      prodId: { company: 'Metronome', product: 'Metronome', language: 'EN' },
      ttl: 3600,
    });
    for (const event of events.slice(0, MAX_FEED_EVENTS)) {
      calendar.createEvent({ stamp: now, ...event });
    }
    return calendar.toString();
  }

  /** A brand's scheduled and published posts (one event per channel), its approval deadlines and plan due dates. */
  private async brandEvents(
    config: MetronomeConfig,
    brandId: string,
    now: Date,
    base: string,
  ): Promise<ICalEventData[]> {
    const brand = config.brands[brandId];
    const plans = this.planDueEvents(config, [brandId], now, base);
    const approvals = (await this.posts.pendingApprovals({ brand: brandId, now }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, MAX_FEED_EVENTS)
      .map((step): ICalEventData => ({
        id: `approval-${step.postId}-${slug(step.step)}@metronome`,
        start: new Date(step.dueAt),
        end: new Date(new Date(step.dueAt).getTime() + EVENT_MS),
        summary: `Approval due: ${shown(step.step)} — ${shown(step.title)}`,
        description: `${brand.name}: step "${shown(step.step)}" (${step.mode === 'all' ? 'all of' : 'any of'} ${step.approvers.join(', ')})${step.overdue ? ', overdue' : ''}.`,
        url: `${base}/posts/${step.postId}`,
      }));
    const rows = await this.transactions.manager
      .getRepository(PostVariantEntity)
      .createQueryBuilder('variant')
      .innerJoin(PostEntity, 'post', 'post.id = variant.post_id')
      .innerJoin(ChannelEntity, 'channel', 'channel.id = variant.channel_id')
      .where('post.brand_id = :brandId', { brandId })
      .andWhere('post.state IN (:...states)', { states: [...FEED_POST_STATES] })
      .andWhere('post.publish_at >= :from AND post.publish_at < :to', {
        from: toDbInstant(new Date(now.getTime() - FEED_PAST_MS)),
        to: toDbInstant(new Date(now.getTime() + FEED_AHEAD_MS)),
      })
      .select([
        'post.id AS "postId"',
        'post.title AS "title"',
        'post.state AS "postState"',
        'post.publish_at AS "publishAt"',
        'variant.state AS "state"',
        'variant.remote_url AS "remoteUrl"',
        'channel.key AS "channel"',
      ])
      .orderBy('post.publish_at', 'ASC')
      .addOrderBy('channel.key', 'ASC')
      .limit(MAX_FEED_EVENTS)
      .getRawMany<{
        postId: string;
        title: string;
        postState: string;
        publishAt: string;
        state: string;
        remoteUrl: string | null;
        channel: string;
      }>();
    const posts = rows.map((row): ICalEventData => {
      const start = new Date(row.publishAt);
      return {
        id: `post-${row.postId}-${slug(row.channel)}@metronome`,
        start,
        end: new Date(start.getTime() + EVENT_MS),
        summary: `[${row.channel}] ${shown(row.title)}`,
        description: [
          `${brand.name}, ${row.channel}: ${STATE_WORDS[row.state] ?? row.state}.`,
          row.remoteUrl ? `On the platform: ${row.remoteUrl}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
        url: `${base}/posts/${row.postId}`,
      };
    });
    return [...plans, ...approvals, ...posts];
  }

  /** What waits on the person: their approval deadlines on every brand, and the plan due dates of brands they own. */
  private async personEvents(
    config: MetronomeConfig,
    person: string,
    now: Date,
    base: string,
  ): Promise<ICalEventData[]> {
    const owned = this.access
      .brandsOf(person)
      .filter((brandId) => this.access.rolesOf(person, brandId).includes('owner'));
    const approvals = (
      await this.waiting.approvals(person, this.access.brandsWhere(person, 'approve'), now)
    ).map((step): ICalEventData => ({
      id: `approval-${step.postId}-${slug(step.step)}@metronome`,
      start: new Date(step.dueAt),
      end: new Date(new Date(step.dueAt).getTime() + EVENT_MS),
      summary: `Approval due: ${shown(step.step)} — ${shown(step.title)}`,
      description: `${step.brandName}: your turn on step "${shown(step.step)}"${step.overdue ? ', overdue' : ''}.`,
      url: `${base}/posts/${step.postId}`,
    }));
    return [...this.planDueEvents(config, owned, now, base), ...approvals];
  }

  /** The plan due dates of this month and the next, per brand. */
  private planDueEvents(
    config: MetronomeConfig,
    brandIds: readonly string[],
    now: Date,
    base: string,
  ): ICalEventData[] {
    return brandIds.flatMap((brandId) => {
      const brand = config.brands[brandId];
      return currentAndNextMonth(brand, now).map((month): ICalEventData => {
        const due = cycleCalendar(brand, month).planDueAt;
        return {
          id: `plan-${brandId}-${month}@metronome`,
          start: due,
          end: new Date(due.getTime() + EVENT_MS),
          summary: `Plan due: ${brand.name} ${month}`,
          description: `The plan of ${brand.name} for ${month} is due.`,
          url: `${base}/brands/${brandId}/calendar?view=month&date=${month}-01`,
        };
      });
    });
  }
}

/** User text in an event: without bidi controls (as on the pages), at most 200 characters. */
function shown(text: string): string {
  const plain = displayText(text);
  return plain.length > 200 ? `${plain.slice(0, 199)}…` : plain;
}

/** A piece of an event id: letters, digits and dashes. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
