import { DateTime } from 'luxon';
import { parsePublishingWindow, type PublishingWindow } from '../../config/schema/cadence.schema';
import { windowInstances } from '../../scheduling/slot-allocator';
import { startOfLocalDay } from '../../scheduling/local-time';

export type CalendarView = 'month' | 'week';

/** The days a calendar page shows: whole weeks, Monday first, as local dates (no zone: a date is a date). */
export interface CalendarRange {
  view: CalendarView;
  /** The date asked for (YYYY-MM-DD). */
  date: string;
  /** Every day shown, in order, as YYYY-MM-DD. */
  days: string[];
  /** The month the month view is about (YYYY-MM), for "outside this month" days. */
  month: string;
  heading: string;
  previous: string;
  next: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD that is a real date, or undefined. */
export function calendarDate(text: unknown): DateTime | undefined {
  if (typeof text !== 'string' || !DATE.test(text)) {
    return undefined;
  }
  const date = DateTime.fromISO(text, { zone: 'UTC' });
  return date.isValid ? date : undefined;
}

/**
 * The days of a month view (the weeks, Monday to Sunday, that hold the month's days) or a week view (the
 * week, Monday to Sunday, of the date). Dates are computed as calendar dates; each is placed in a brand's
 * zone only when posts are put on it, so a day with a clock change is still one day.
 */
export function calendarRange(view: CalendarView, date: DateTime): CalendarRange {
  const first = view === 'month' ? date.startOf('month') : date;
  const last = view === 'month' ? date.endOf('month').startOf('day') : date;
  const start = first.minus({ days: first.weekday - 1 });
  const end = last.plus({ days: 7 - last.weekday });
  const days: string[] = [];
  for (let day = start; day <= end; day = day.plus({ days: 1 })) {
    days.push(day.toISODate()!);
  }
  const step = view === 'month' ? { months: 1 } : { weeks: 1 };
  return {
    view,
    date: date.toISODate()!,
    days,
    month: date.toFormat('yyyy-MM'),
    heading:
      view === 'month'
        ? date.toFormat('LLLL yyyy')
        : `${start.toFormat('d LLL')} – ${end.toFormat('d LLL yyyy')}`,
    previous: date.minus(step).toISODate()!,
    next: date.plus(step).toISODate()!,
  };
}

/** The instants a range covers in a zone: local midnight of its first day to local midnight after its last. */
export function rangeInstants(range: CalendarRange, zone: string): { from: Date; to: Date } {
  const first = DateTime.fromISO(range.days[0], { zone: 'UTC' });
  const after = DateTime.fromISO(range.days[range.days.length - 1], { zone: 'UTC' }).plus({ days: 1 });
  return { from: startOfLocalDay(first, zone), to: startOfLocalDay(after, zone) };
}

/** The local date (YYYY-MM-DD) and time (HH:mm) of an instant in a zone. */
export function localDateAndTime(instant: Date, zone: string): { date: string; time: string } {
  const local = DateTime.fromJSDate(instant, { zone });
  return { date: local.toISODate()!, time: local.toFormat('HH:mm') };
}

/** An empty slot: a publishing window the channel's cadence expects a post in and none fills. */
export interface CadenceGap {
  channel: string;
  start: Date;
  end: Date;
}

/**
 * The empty slots of one channel in a range: per local week (Monday to Sunday), the cadence asks for
 * `postsPerWeek` posts in its windows; as many windows as the week still lacks posts, earliest first, that
 * hold no post of the channel. The windows' instants come from the slot allocator (`windowInstances`), so a
 * gap sits exactly where plan sync would slot a post.
 */
export function cadenceGaps(input: {
  channel: string;
  cadence: { postsPerWeek: number; windows: string[] };
  zone: string;
  range: CalendarRange;
  /** Publish times of the channel's posts (not cancelled). */
  taken: Date[];
  /** Slots that ended before this are not shown (nothing can fill them any more). */
  now: Date;
}): CadenceGap[] {
  const { cadence, zone, range, taken } = input;
  if (cadence.postsPerWeek <= 0) {
    return [];
  }
  const windows = cadence.windows
    .map((text) => parsePublishingWindow(text))
    .filter((window): window is PublishingWindow => typeof window !== 'string');
  if (windows.length === 0) {
    return [];
  }
  const gaps: CadenceGap[] = [];
  for (let index = 0; index < range.days.length; index += 7) {
    const monday = DateTime.fromISO(range.days[index], { zone: 'UTC' });
    const weekStart = startOfLocalDay(monday, zone);
    const weekEnd = startOfLocalDay(monday.plus({ weeks: 1 }), zone);
    const posted = taken.filter((at) => at >= weekStart && at < weekEnd).length;
    let missing = cadence.postsPerWeek - posted;
    for (let d = 0; d < 7 && missing > 0; d++) {
      for (const instance of windowInstances(windows, monday.plus({ days: d }), zone)) {
        if (missing <= 0) {
          break;
        }
        if (taken.some((at) => at >= instance.start && at < instance.end)) {
          continue;
        }
        missing--;
        if (instance.end > input.now) {
          gaps.push({ channel: input.channel, start: instance.start, end: instance.end });
        }
      }
    }
  }
  return gaps;
}
