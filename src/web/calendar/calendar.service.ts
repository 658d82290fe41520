import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from '../../clock/clock';
import { ConfigService } from '../../config/config.service';
import type { BrandConfig } from '../../config/schema/metronome-config.schema';
import { POST_STATES } from '../../content/post-state-machine';
import type { PublishState } from '../../content/post.entity';
import {
  cadenceGaps,
  calendarDate,
  calendarRange,
  localDateAndTime,
  rangeInstants,
  type CalendarRange,
  type CalendarView,
} from './calendar-grid';
import { CalendarPostsRepository, type CalendarPost } from './calendar-posts.repository';

/** What a calendar page is asked for (the GET form's fields). */
export interface CalendarQuery {
  view?: string;
  date?: string;
  channel?: string;
  campaign?: string;
  theme?: string;
  state?: string;
  brand?: string;
}

/** Campaign colours: a fixed palette of classes (calendar.css), picked by the campaign's place in the brand. */
const PALETTE_SIZE = 8;

const STATE_LABELS: Record<PublishState, string> = {
  draft: 'draft',
  in_review: 'in review',
  approved: 'approved',
  scheduled: 'scheduled',
  publishing: 'publishing',
  finishing: 'finishing',
  published: 'published',
  failed: 'failed',
  missed: 'missed',
  held: 'held',
  cancelled: 'cancelled',
};

const STATE_BADGES: Record<PublishState, string> = {
  draft: 'badge-warn',
  in_review: 'badge-warn',
  approved: 'badge-info',
  scheduled: 'badge-info',
  publishing: 'badge-info',
  finishing: 'badge-info',
  published: 'badge-ok',
  failed: 'badge-danger',
  missed: 'badge-danger',
  held: 'badge-danger',
  cancelled: '',
};

/** The state of a post as a person reads it: a draft sent back by an approver says so. */
export function stateLabel(state: PublishState, reason: string | null): string {
  if (state === 'draft' && reason?.startsWith('changes requested')) {
    return 'changes requested';
  }
  if (state === 'draft' && reason?.startsWith('rejected')) {
    return 'rejected';
  }
  return STATE_LABELS[state];
}

export function stateBadge(state: PublishState): string {
  return STATE_BADGES[state];
}

interface Entry {
  kind: 'post' | 'gap';
  at: number;
  /** HH:mm in the brand's zone (not `time`: that name is a view helper). */
  localTime: string;
  iso: string;
  brand: string;
  brandName: string;
  channels: string[];
  id?: string;
  title?: string;
  state?: string;
  badge?: string;
  campaignClass?: string;
  campaignName?: string;
  theme?: string;
}

/** Builds the calendar pages' models: posts and cadence gaps on the days of a month or a week. */
/** Entries a day of the month view shows before "+N more" (a link to that week). */
const MONTH_CELL_ENTRIES = 4;

@Injectable()
export class CalendarService {
  constructor(
    private readonly config: ConfigService,
    private readonly posts: CalendarPostsRepository,
    private readonly clock: Clock,
  ) {}

  async model(brands: string[], query: CalendarQuery, options: { agency: boolean; basePath: string }) {
    const config = this.config.loaded.config;
    const view: CalendarView = !options.agency && query.view === 'week' ? 'week' : 'month';
    const now = this.clock.now();
    const todayZone = brands.length === 1 ? config.brands[brands[0]].timezone : config.organisation.timezone;
    const today = DateTime.fromJSDate(now, { zone: todayZone }).toISODate()!;
    const asked = calendarDate(query.date) ?? calendarDate(today)!;
    const range = calendarRange(view, asked);
    const shown = options.agency && query.brand ? brands.filter((id) => id === query.brand) : brands;
    const filters = {
      channel: query.channel || undefined,
      campaign: query.campaign || undefined,
      theme: query.theme || undefined,
      state: query.state || undefined,
      brand: options.agency ? query.brand || undefined : undefined,
    };

    const byDay = new Map<string, Entry[]>(range.days.map((day) => [day, []]));
    for (const brandId of shown) {
      const brand = config.brands[brandId];
      const { from, to } = rangeInstants(range, brand.timezone);
      const posts = await this.posts.postsBetween([brandId], from, to);
      for (const post of posts.filter((post) => this.matches(post, filters))) {
        this.place(byDay, this.postEntry(post, brandId, brand));
      }
      // Gaps are about the plan, not about one campaign, theme or state: only shown when those are not filtered.
      if (!filters.campaign && !filters.theme && !filters.state) {
        for (const entry of this.gapEntries(brandId, brand, range, posts, now, filters.channel)) {
          this.place(byDay, entry);
        }
      }
    }

    const days = range.days.map((date) => {
      const day = DateTime.fromISO(date, { zone: 'UTC' });
      const entries = byDay.get(date)!.sort((a, b) => a.at - b.at || a.kind.localeCompare(b.kind));
      return {
        date,
        label: day.toFormat('ccc d LLL'),
        longLabel: day.toFormat('cccc d LLLL yyyy'),
        dayNumber: day.day,
        outside: view === 'month' && !date.startsWith(range.month),
        today: date === today,
        // A month cell shows its first few; the week view shows them all (a busy brand's month stays light).
        entries: view === 'month' ? entries.slice(0, MONTH_CELL_ENTRIES) : entries,
        more:
          view === 'month' && entries.length > MONTH_CELL_ENTRIES ? entries.length - MONTH_CELL_ENTRIES : 0,
        all: entries,
        empty: entries.length === 0,
      };
    });
    const weeks: Array<typeof days> = [];
    for (let index = 0; index < days.length; index += 7) {
      weeks.push(days.slice(index, index + 7));
    }
    return {
      view,
      range,
      weeks,
      days,
      agency: options.agency,
      filters,
      dateNav: this.navigation(range, today, query, options),
      options: this.filterOptions(shown, brands, filters),
      zoneNote: options.agency
        ? 'Times are in each brand’s own time zone.'
        : `Times are in ${config.brands[brands[0]].timezone}.`,
      totals: {
        posts: days.reduce((sum, day) => sum + day.all.filter((e) => e.kind === 'post').length, 0),
        gaps: days.reduce((sum, day) => sum + day.all.filter((e) => e.kind === 'gap').length, 0),
      },
    };
  }

  private matches(post: CalendarPost, filters: Record<string, string | undefined>): boolean {
    if (filters.state ? post.state !== filters.state : post.state === 'cancelled') {
      return false;
    }
    if (filters.channel && !post.channels.some((c) => c.channel === filters.channel)) {
      return false;
    }
    if (filters.campaign && post.campaign !== filters.campaign) {
      return false;
    }
    return !filters.theme || post.theme === filters.theme;
  }

  private place(byDay: Map<string, Entry[]>, entry: Entry & { date: string }): void {
    const { date, ...rest } = entry;
    byDay.get(date)?.push(rest);
  }

  private postEntry(post: CalendarPost, brandId: string, brand: BrandConfig): Entry & { date: string } {
    const local = localDateAndTime(post.publishAt, brand.timezone);
    const campaigns = Object.keys(brand.campaigns);
    const campaignIndex = post.campaign ? campaigns.indexOf(post.campaign) : -1;
    return {
      kind: 'post',
      date: local.date,
      at: post.publishAt.getTime(),
      localTime: local.time,
      iso: post.publishAt.toISOString(),
      brand: brandId,
      brandName: brand.name,
      // A channel whose own state differs from the post's says so (a failed channel of a published post).
      channels: post.channels.map((c) =>
        c.state === post.state ? c.channel : `${c.channel} (${STATE_LABELS[c.state]})`,
      ),
      id: post.id,
      title: post.title,
      state: stateLabel(post.state, post.stateReason),
      badge: stateBadge(post.state),
      campaignClass: campaignIndex >= 0 ? `campaign-${campaignIndex % PALETTE_SIZE}` : 'campaign-none',
      campaignName: post.campaign ? (brand.campaigns[post.campaign]?.name ?? post.campaign) : undefined,
      theme: post.theme ?? undefined,
    };
  }

  private gapEntries(
    brandId: string,
    brand: BrandConfig,
    range: CalendarRange,
    posts: CalendarPost[],
    now: Date,
    channelFilter: string | undefined,
  ): Array<Entry & { date: string }> {
    const entries: Array<Entry & { date: string }> = [];
    for (const [channel, settings] of Object.entries(brand.channels)) {
      if (!settings.cadence || !settings.enabled || (channelFilter && channelFilter !== channel)) {
        continue;
      }
      const taken = posts
        .filter((post) => post.state !== 'cancelled' && post.channels.some((c) => c.channel === channel))
        .map((post) => post.publishAt);
      for (const gap of cadenceGaps({
        channel,
        cadence: settings.cadence,
        zone: brand.timezone,
        range,
        taken,
        now,
      })) {
        const local = localDateAndTime(gap.start, brand.timezone);
        entries.push({
          kind: 'gap',
          date: local.date,
          at: gap.start.getTime(),
          localTime: local.time,
          iso: gap.start.toISOString(),
          brand: brandId,
          brandName: brand.name,
          channels: [channel],
        });
      }
    }
    return entries;
  }

  private navigation(
    range: CalendarRange,
    today: string,
    query: CalendarQuery,
    options: { agency: boolean; basePath: string },
  ) {
    const link = (date: string) => {
      const params = new URLSearchParams();
      if (!options.agency) {
        params.set('view', range.view);
      }
      params.set('date', date);
      for (const key of ['channel', 'campaign', 'theme', 'state', 'brand'] as const) {
        const value = query[key];
        if (value && (key !== 'brand' || options.agency)) {
          params.set(key, value);
        }
      }
      return `${options.basePath}?${params.toString()}`;
    };
    const other = range.view === 'month' ? 'week' : 'month';
    return {
      previous: link(range.previous),
      next: link(range.next),
      today: link(today),
      otherView: options.agency
        ? undefined
        : {
            label: other === 'week' ? 'Week view' : 'Month view',
            href: `${options.basePath}?view=${other}&date=${range.date}`,
          },
      unit: range.view,
    };
  }

  private filterOptions(shown: string[], brands: string[], filters: Record<string, string | undefined>) {
    const config = this.config.loaded.config;
    const channels = new Set<string>();
    const campaigns = new Map<string, string>();
    const themes = new Set<string>();
    for (const id of shown) {
      const brand = config.brands[id];
      Object.keys(brand.channels).forEach((channel) => channels.add(channel));
      Object.entries(brand.campaigns).forEach(([key, campaign]) => campaigns.set(key, campaign.name));
      brand.themes.forEach((theme) => themes.add(theme));
    }
    const option = (value: string, label: string, selected: string | undefined) => ({
      value,
      label,
      selected: value === selected,
    });
    return {
      brands: brands.map((id) => option(id, config.brands[id].name, filters.brand)),
      channels: [...channels].sort().map((c) => option(c, c, filters.channel)),
      campaigns: [...campaigns].map(([key, name]) => option(key, name, filters.campaign)),
      themes: [...themes].map((theme) => option(theme, theme, filters.theme)),
      states: POST_STATES.map((state) => option(state, STATE_LABELS[state], filters.state)),
    };
  }
}
