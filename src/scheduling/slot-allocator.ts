import { DateTime } from 'luxon';
import type { PublishingWindow, Weekday } from '../config/schema/cadence.schema';
import { localToUtc } from './local-time';

const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface SlotRequest {
  windows: PublishingWindow[];
  timezone: string;
  /** 0 = no weekly cap. */
  postsPerWeek: number;
  /** Publish times already taken on the channel(s). */
  occupied: Date[];
  /** The earliest acceptable time. */
  from: Date;
  horizonDays?: number;
}

interface WindowInstance {
  start: Date;
  end: Date;
}

/**
 * The next publishing window with no post in it, in the brand's time zone, skipping weeks whose
 * cadence is already met. Posts go at the window's start; never two in one window.
 */
export function nextFreeSlot(request: SlotRequest): Date | undefined {
  const { windows, timezone, postsPerWeek, occupied, from } = request;
  if (windows.length === 0) {
    return undefined;
  }
  const horizon = request.horizonDays ?? 120;
  let day = DateTime.fromJSDate(from, { zone: timezone }).startOf('day');
  for (let i = 0; i <= horizon; i++, day = day.plus({ days: 1 })) {
    const weekday = WEEKDAYS[day.weekday - 1];
    const instances = windows
      .filter((window) => window.days.includes(weekday))
      .map((window) => instanceOn(day, window, timezone))
      .sort((a, b) => a.start.getTime() - b.start.getTime());
    for (const instance of instances) {
      if (instance.start < from) {
        continue;
      }
      if (occupied.some((taken) => taken >= instance.start && taken < instance.end)) {
        continue;
      }
      if (postsPerWeek > 0 && countInWeek(occupied, day, timezone) >= postsPerWeek) {
        break;
      }
      return instance.start;
    }
  }
  return undefined;
}

function instanceOn(day: DateTime, window: PublishingWindow, zone: string): WindowInstance {
  const at = (minutes: number) =>
    minutes >= 1440
      ? day.plus({ days: 1 }).startOf('day').toJSDate()
      : localToUtc(
          {
            year: day.year,
            month: day.month,
            day: day.day,
            hour: Math.floor(minutes / 60),
            minute: minutes % 60,
          },
          zone,
        );
  return { start: at(window.start), end: at(window.end) };
}

function countInWeek(occupied: Date[], day: DateTime, zone: string): number {
  const weekStart = day.startOf('week');
  const weekEnd = weekStart.plus({ weeks: 1 });
  return occupied.filter((taken) => {
    const local = DateTime.fromJSDate(taken, { zone });
    return local >= weekStart && local < weekEnd;
  }).length;
}
