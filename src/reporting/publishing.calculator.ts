import { DateTime } from 'luxon';
import type { PostVariantEntity } from '../publishing/post-variant.entity';
import type { ChannelFacts, ReportChannel, ReportWindows } from './report-facts';
import type { PublishingChannelRow, PublishingSection, PublishingWeek } from './report-model';
import { localDay, type PeriodWindow } from './report-period';
import { ratio } from './report-statistics';

type PublishingFacts = Pick<
  ChannelFacts,
  'published' | 'planned' | 'onTime' | 'late' | 'missed' | 'cadenceTarget'
>;

const within = (instant: Date | null, window: PeriodWindow): instant is Date =>
  instant !== null && instant >= window.start && instant < window.end;

/** Posts the cadence asks for in a span of days: postsPerWeek prorated, whole posts. */
export function cadenceTarget(postsPerWeek: number | null, days: number): number | null {
  return postsPerWeek === null ? null : Math.round((postsPerWeek * days) / 7);
}

/** Plan adherence from the system's own records: what was scheduled, what went out, and when. */
export class PublishingCalculator {
  constructor(
    private readonly variants: readonly PostVariantEntity[],
    private readonly windows: ReportWindows,
    private readonly toleranceMinutes: number,
  ) {}

  facts(channel: ReportChannel, window: PeriodWindow): PublishingFacts {
    const mine = this.variants.filter((v) => channel.dbId !== null && v.channelId === channel.dbId);
    const due = mine.filter((v) => within(v.scheduledAt, window));
    let onTime = 0;
    let late = 0;
    for (const variant of due) {
      if (variant.publishedAt === null) {
        continue;
      }
      const lateMs = variant.publishedAt.getTime() - variant.scheduledAt!.getTime();
      if (lateMs <= this.toleranceMinutes * 60_000) {
        onTime++;
      } else {
        late++;
      }
    }
    return {
      published: mine.filter((v) => within(v.publishedAt, window)).length,
      planned: due.filter((v) => v.state !== 'cancelled').length,
      onTime,
      late,
      missed: due.filter((v) => v.state === 'missed' || v.state === 'failed').length,
      cadenceTarget: cadenceTarget(channel.postsPerWeek, window.days.length),
    };
  }

  section(
    channels: readonly ReportChannel[],
    current: ReadonlyMap<string, ChannelFacts>,
    previous: ReadonlyMap<string, ChannelFacts>,
  ): PublishingSection {
    const rows: PublishingChannelRow[] = channels.map((channel) => {
      const facts = current.get(channel.id)!;
      return {
        id: channel.id,
        connector: channel.connector,
        label: channel.label,
        published: facts.published,
        planned: facts.planned,
        postsPerWeek: channel.postsPerWeek,
        cadenceTarget: facts.cadenceTarget,
        onTime: facts.onTime,
        late: facts.late,
        missed: facts.missed,
        onTimeRate: ratio(facts.onTime, facts.onTime + facts.late + facts.missed),
      };
    });
    const sum = (pick: (row: PublishingChannelRow) => number) => rows.reduce((t, r) => t + pick(r), 0);
    const weeklyCadence = channels.some((c) => c.postsPerWeek !== null)
      ? channels.reduce((t, c) => t + (c.postsPerWeek ?? 0), 0)
      : null;
    const targets = rows.filter((r) => r.cadenceTarget !== null);
    const totals = {
      published: sum((r) => r.published),
      planned: sum((r) => r.planned),
      postsPerWeek: weeklyCadence,
      cadenceTarget: targets.length > 0 ? targets.reduce((t, r) => t + r.cadenceTarget!, 0) : null,
      onTime: sum((r) => r.onTime),
      late: sum((r) => r.late),
      missed: sum((r) => r.missed),
      onTimeRate: ratio(
        sum((r) => r.onTime),
        sum((r) => r.onTime + r.late + r.missed),
      ),
    };
    const prev = [...previous.values()];
    const prevDue = prev.reduce((t, f) => t + f.onTime + f.late + f.missed, 0);
    return {
      channels: rows,
      totals,
      previous: {
        published: prev.reduce((t, f) => t + f.published, 0),
        onTimeRate: ratio(
          prev.reduce((t, f) => t + f.onTime, 0),
          prevDue,
        ),
      },
      weeks: this.weeks(channels, weeklyCadence),
      onTimeToleranceMinutes: this.toleranceMinutes,
      hasData: totals.published + totals.planned > 0,
    };
  }

  /** Monday-based weeks of the month in the brand's zone; partial weeks at the edges are prorated. */
  private weeks(channels: readonly ReportChannel[], weeklyCadence: number | null): PublishingWeek[] {
    const { current, timeZone } = this.windows;
    const ids = new Set(channels.map((c) => c.dbId).filter((id) => id !== null));
    const mine = this.variants.filter((v) => ids.has(v.channelId));
    const weeks = new Map<string, string[]>();
    for (const day of current.days) {
      const monday = DateTime.fromISO(day, { zone: 'UTC' }).startOf('week').toISODate()!;
      weeks.set(monday, [...(weeks.get(monday) ?? []), day]);
    }
    const countBy = (pick: (v: PostVariantEntity) => Date | null, days: Set<string>) =>
      mine.filter((v) => {
        const at = pick(v);
        return at !== null && within(at, current) && days.has(localDay(at, timeZone));
      });
    return [...weeks].map(([weekStart, days]) => {
      const set = new Set(days);
      return {
        weekStart,
        firstDay: days[0],
        lastDay: days[days.length - 1],
        published: countBy((v) => v.publishedAt, set).length,
        planned: countBy((v) => v.scheduledAt, set).filter((v) => v.state !== 'cancelled').length,
        target: weeklyCadence === null ? null : Math.round(((weeklyCadence * days.length) / 7) * 10) / 10,
      };
    });
  }
}
