import type { MetricSnapshotEntity } from '../metrics/metric-snapshot.entity';
import type { ChannelFacts, ReportChannel } from './report-facts';
import type { PeriodWindow } from './report-period';
import { firstPresent, lastPresent, sumPresent } from './report-statistics';
import { figuresOf, type SnapshotFigures } from './snapshot-metrics';

export interface DailyFigures {
  followers: Array<number | null>;
  impressions: Array<number | null>;
  engagements: Array<number | null>;
}

type ChannelMetricFacts = Pick<
  ChannelFacts,
  'followersEnd' | 'growth' | 'impressions' | 'engagements' | 'clicks'
>;

/**
 * Channel-level daily snapshots → daily series and month figures. Followers are read as of a day
 * (a lifetime metric); impressions, engagements and clicks are daily figures summed over the month.
 */
export class ChannelMetricsCalculator {
  /** By channel database id, then day. */
  private readonly byChannel = new Map<string, Map<string, SnapshotFigures>>();

  constructor(snapshots: readonly MetricSnapshotEntity[]) {
    for (const snapshot of snapshots) {
      let days = this.byChannel.get(snapshot.channelId);
      if (!days) {
        days = new Map();
        this.byChannel.set(snapshot.channelId, days);
      }
      days.set(snapshot.day, figuresOf(snapshot.metrics));
    }
  }

  daily(channel: ReportChannel, window: PeriodWindow): DailyFigures {
    const days = channel.dbId ? this.byChannel.get(channel.dbId) : undefined;
    const pick = (field: keyof SnapshotFigures) => window.days.map((day) => days?.get(day)?.[field] ?? null);
    return {
      followers: pick('followers'),
      impressions: pick('impressions'),
      engagements: pick('engagements'),
    };
  }

  facts(channel: ReportChannel, window: PeriodWindow): ChannelMetricFacts {
    const days = channel.dbId ? this.byChannel.get(channel.dbId) : undefined;
    const inMonth = window.days.map((day) => days?.get(day));
    const followers = inMonth.map((f) => f?.followers ?? null);
    const followersEnd = lastPresent(followers);
    const baseline = this.followersBefore(days, window.period.firstDay) ?? firstPresent(followers);
    return {
      followersEnd,
      growth: followersEnd !== null && baseline !== null ? followersEnd - baseline : null,
      impressions: sumPresent(inMonth.map((f) => f?.impressions)),
      engagements: sumPresent(inMonth.map((f) => f?.engagements)),
      clicks: sumPresent(inMonth.map((f) => f?.clicks)),
    };
  }

  /** Followers on the latest loaded day before `firstDay`: the figure the month's growth starts from. */
  private followersBefore(days: Map<string, SnapshotFigures> | undefined, firstDay: string): number | null {
    let latestDay = '';
    let value: number | null = null;
    for (const [day, figures] of days ?? []) {
      if (day < firstDay && day > latestDay && figures.followers !== null) {
        latestDay = day;
        value = figures.followers;
      }
    }
    return value;
  }
}
