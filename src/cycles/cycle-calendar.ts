import { DateTime } from 'luxon';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import type { CycleStage } from './cycle.entity';
import { startOfLocalDay } from '../scheduling/local-time';

/** One month of a brand's cycle, its boundaries in UTC computed in the brand's time zone. */
export interface CycleCalendar {
  month: string;
  periodStart: Date;
  periodEnd: Date;
  /** The plan for this month is due (the start of "prepare"). */
  planDueAt: Date;
  /** The end of the review stage. */
  reviewEndsAt: Date;
}

/**
 * Boundaries are local midnights placed by the shared rule (a midnight in a gap moves forward, one in an
 * overlap takes its first occurrence), so a month ends exactly where the next begins in every zone.
 */
export function cycleCalendar(brand: BrandConfig, month: string): CycleCalendar {
  const first = DateTime.fromFormat(month, 'yyyy-LL', { zone: 'UTC' });
  if (!first.isValid || !/^\d{4}-\d{2}$/.test(month)) {
    throw new Error(`"${month}" is not a month (YYYY-MM)`);
  }
  const next = first.plus({ months: 1 });
  const start = startOfLocalDay(first, brand.timezone);
  return {
    month,
    periodStart: start,
    periodEnd: startOfLocalDay(next, brand.timezone),
    planDueAt: new Date(start.getTime() - brand.cycle.planDue),
    reviewEndsAt: startOfLocalDay(next.plus({ days: brand.cycle.reviewDays }), brand.timezone),
  };
}

/** plan → prepare (from the plan deadline) → publish (the month itself) → review → closed. */
export function stageAt(calendar: CycleCalendar, now: Date): CycleStage {
  if (now < calendar.planDueAt) {
    return 'plan';
  }
  if (now < calendar.periodStart) {
    return 'prepare';
  }
  if (now < calendar.periodEnd) {
    return 'publish';
  }
  return now < calendar.reviewEndsAt ? 'review' : 'closed';
}

/** The month that contains `now` in the brand's zone, and the one after it. */
export function currentAndNextMonth(brand: BrandConfig, now: Date): [string, string] {
  const local = DateTime.fromJSDate(now, { zone: brand.timezone }).startOf('month');
  return [local.toFormat('yyyy-LL'), local.plus({ months: 1 }).toFormat('yyyy-LL')];
}

/** Posts a month needs to meet every channel's weekly cadence (weeks counted as days / 7). */
export function cadenceTarget(brand: BrandConfig, calendar: CycleCalendar): number {
  const weeks = (calendar.periodEnd.getTime() - calendar.periodStart.getTime()) / (7 * 86_400_000);
  return Object.values(brand.channels)
    .filter((channel) => channel.enabled)
    .reduce((sum, channel) => sum + Math.round((channel.cadence?.postsPerWeek ?? 0) * weeks), 0);
}
