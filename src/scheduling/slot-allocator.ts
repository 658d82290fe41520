import type { DateTime } from 'luxon';
import type { PublishingWindow, Weekday } from '../config/schema/cadence.schema';
import { localDateOf, localToUtc, startOfLocalDay } from './local-time';

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const MINUTE_MS = 60_000;

export interface SlotRequest {
  windows: PublishingWindow[];
  timezone: string;
  /** 0 = no weekly cap. */
  postsPerWeek: number;
  /** Publish times already taken on the channel(s). */
  occupied: Date[];
  /** The earliest acceptable time: a window already open at `from` offers what is left of it. */
  from: Date;
  /** No slot at or after this instant (e.g. the end of the post's campaign). */
  until?: Date;
  /** How far past `from` to look, in local days. */
  horizonDays?: number;
}

export type SlotOutcome = { at: Date; reason?: undefined } | { at?: undefined; reason: string };

/** One occurrence of a publishing window, in real time. */
export interface WindowInstance {
  start: Date;
  end: Date;
}

/**
 * The first free moment in the channel's publishing windows, in the brand's time zone: the start of a
 * window, or `from` itself when a window is already open then; never two posts in one window, and weeks
 * whose cadence is already met are skipped.
 */
export function findSlot(request: SlotRequest): SlotOutcome {
  const { windows, timezone, postsPerWeek, occupied, from, until } = request;
  if (windows.length === 0) {
    return { reason: 'no publishing windows (cadence.windows) on the channel' };
  }
  const horizon = request.horizonDays ?? 120;
  // Whole minutes: a slot reads "21:10" rather than "21:09:27.118".
  const earliest = new Date(Math.ceil(from.getTime() / MINUTE_MS) * MINUTE_MS);
  // The day before too: a window that keeps its length across a gap can run past local midnight.
  const first = localDateOf(from, timezone).minus({ days: 1 });
  for (let i = 0; i <= horizon + 1; i++) {
    const day = first.plus({ days: i });
    if (until && startOfLocalDay(day, timezone) >= until) {
      break;
    }
    for (const instance of windowInstances(windows, day, timezone)) {
      const at = instance.start > earliest ? instance.start : earliest;
      if (at >= instance.end || (until && at >= until)) {
        continue;
      }
      if (occupied.some((taken) => taken >= instance.start && taken < instance.end)) {
        continue;
      }
      if (postsPerWeek > 0 && countInWeek(occupied, day, timezone) >= postsPerWeek) {
        break;
      }
      return { at };
    }
  }
  return { reason: `no free publishing window in the ${horizon} days after ${from.toISOString()}` };
}

/**
 * The day's windows in real time, in order. A window starts at its local start time (moved forward when that
 * time falls in a DST gap, the first occurrence in an overlap) and lasts as long as it says in real time, so a
 * window inside a gap does not shrink to nothing and one across an overlap does not run twice.
 */
export function windowInstances(windows: PublishingWindow[], day: DateTime, zone: string): WindowInstance[] {
  const weekday = WEEKDAYS[day.weekday - 1];
  return windows
    .filter((window) => window.days.includes(weekday))
    .map((window) => {
      const start = localToUtc(
        {
          year: day.year,
          month: day.month,
          day: day.day,
          hour: Math.floor(window.start / 60),
          minute: window.start % 60,
        },
        zone,
      );
      return { start, end: new Date(start.getTime() + (window.end - window.start) * MINUTE_MS) };
    })
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Posts in the local calendar week (Monday to Monday) that contains `day`. */
function countInWeek(occupied: Date[], day: DateTime, zone: string): number {
  const monday = day.minus({ days: day.weekday - 1 });
  const weekStart = startOfLocalDay(monday, zone);
  const weekEnd = startOfLocalDay(monday.plus({ weeks: 1 }), zone);
  return occupied.filter((taken) => taken >= weekStart && taken < weekEnd).length;
}
