import { DateTime } from 'luxon';
import { parsePublishingWindow, PublishingWindow, Weekday } from '../config/schema/cadence.schema';

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

/** The opening intervals of one local day, as UTC milliseconds. DST days get their real length. */
function openIntervals(hours: BusinessHours, day: DateTime): Array<[number, number]> {
  const weekday = WEEKDAYS[day.weekday - 1];
  const midnight = day.startOf('day');
  return hours.windows
    .filter((window) => window.days.includes(weekday))
    .map((window): [number, number] => [
      localMinute(midnight, window.start),
      localMinute(midnight, window.end),
    ])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
}

/** The instant of a wall-clock minute on a local day (a time in a DST gap moves forward, as luxon does). */
function localMinute(midnight: DateTime, minute: number): number {
  if (minute >= 1440) {
    return midnight.plus({ days: 1 }).toMillis();
  }
  return midnight.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
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
  let day = DateTime.fromJSDate(from, { zone: hours.zone }).startOf('day');
  const last = DateTime.fromJSDate(to, { zone: hours.zone }).startOf('day');
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
  let day = DateTime.fromJSDate(from, { zone: hours.zone }).startOf('day');
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
