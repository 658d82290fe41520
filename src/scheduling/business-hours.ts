import type { DateTime } from 'luxon';
import { parsePublishingWindow, PublishingWindow, Weekday } from '../config/schema/cadence.schema';
import { localDateOf, localToUtc, startOfLocalDay } from './local-time';

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A week of opening hours in a time zone: when the brand's community team answers. */
export interface BusinessHours {
  zone: string;
  windows: PublishingWindow[];
}

/** Reads `inbox.businessHours` (one window or a list, in the cadence window syntax); undefined = around the clock. */
export function businessHoursOf(
  zone: string,
  text: string | string[] | undefined,
): BusinessHours | undefined {
  if (text === undefined) {
    return undefined;
  }
  const windows: PublishingWindow[] = [];
  for (const entry of Array.isArray(text) ? text : [text]) {
    const parsed = parsePublishingWindow(entry);
    if (typeof parsed === 'string') {
      throw new Error(parsed); // validated at config load; only reachable with an unvalidated config
    }
    windows.push(parsed);
  }
  return windows.length > 0 ? { zone, windows } : undefined;
}

/**
 * The opening intervals of one local day (a zone-free calendar date), as UTC milliseconds. DST days get their
 * real length; window bounds are placed like every local time (a gap moves forward, an overlap takes the first).
 */
function openIntervals(hours: BusinessHours, day: DateTime): Array<[number, number]> {
  const weekday = WEEKDAYS[day.weekday - 1];
  return hours.windows
    .filter((window) => window.days.includes(weekday))
    .map((window): [number, number] => [
      localMinute(day, window.start, hours.zone),
      localMinute(day, window.end, hours.zone),
    ])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
}

/** The instant of a wall-clock minute on a local day. */
function localMinute(day: DateTime, minute: number, zone: string): number {
  if (minute >= 1440) {
    return startOfLocalDay(day.plus({ days: 1 }), zone).getTime();
  }
  return localToUtc(
    { year: day.year, month: day.month, day: day.day, hour: Math.floor(minute / 60), minute: minute % 60 },
    zone,
  ).getTime();
}

/** Minutes of opening time between two instants (0 if `to` is not after `from`). Around the clock without hours. */
export function businessMinutesBetween(from: Date, to: Date, hours: BusinessHours | undefined): number {
  if (to <= from) {
    return 0;
  }
  if (!hours) {
    return (to.getTime() - from.getTime()) / 60_000;
  }
  let total = 0;
  // Calendar dates, not local midnights: a midnight in a gap drifted luxon's day loop to 01:00 and skipped a day.
  let day = localDateOf(from, hours.zone);
  const last = localDateOf(to, hours.zone);
  while (day <= last) {
    for (const [start, end] of openIntervals(hours, day)) {
      const overlap = Math.min(end, to.getTime()) - Math.max(start, from.getTime());
      total += Math.max(0, overlap);
    }
    day = day.plus({ days: 1 });
  }
  return total / 60_000;
}

/**
 * The instant at which `minutes` of opening time have passed since `from`: the SLA deadline of an item
 * received at `from`. Without hours, plain elapsed time. Gives up after a year of closed days.
 */
export function addBusinessMinutes(from: Date, minutes: number, hours: BusinessHours | undefined): Date {
  if (!hours) {
    return new Date(from.getTime() + minutes * 60_000);
  }
  let remaining = minutes * 60_000;
  let day = localDateOf(from, hours.zone);
  for (let i = 0; i < 370; i++) {
    for (const [start, end] of openIntervals(hours, day)) {
      const begin = Math.max(start, from.getTime());
      if (end <= begin) {
        continue;
      }
      if (end - begin >= remaining) {
        return new Date(begin + remaining);
      }
      remaining -= end - begin;
    }
    day = day.plus({ days: 1 });
  }
  throw new Error('business hours are never open: check inbox.businessHours');
}
