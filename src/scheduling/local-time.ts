import { DateTime, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A wall-clock time: what a clock on the wall in the brand's zone shows. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

/**
 * The UTC instant of a wall-clock time in a zone. A time that does not exist (the spring-forward gap)
 * moves forward by the gap; a time that exists twice (the fall-back overlap) takes the first occurrence.
 */
export function localToUtc(local: LocalDateTime, zone: string): Date {
  const { year, month, day, hour, minute, second = 0 } = local;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new RangeError(`cannot place ${JSON.stringify(local)} in ${zone}: no such date or time`);
  }
  return new Date(wallClockToUtc(wall, zone));
}

/**
 * The same rule on a wall-clock time written as milliseconds "as if UTC" (what cron arithmetic and calendar
 * arithmetic produce). Luxon is not asked to resolve the time itself: it picks either offset of an ambiguous
 * time depending on the zone and the call (checked: London takes the later one, Sydney the earlier), so the
 * two possible offsets are tried here and the rule applied explicitly.
 */
export function wallClockToUtc(wall: number, zone: string): number {
  const tz = ianaZone(zone);
  // Clocks change at most once in two days, so the offsets a day either side are the only candidates.
  const before = tz.offset(wall - DAY_MS);
  const after = tz.offset(wall + DAY_MS);
  if (before === after) {
    return wall - before * MINUTE_MS;
  }
  const valid = [before, after]
    .map((offset) => ({ offset, instant: wall - offset * MINUTE_MS }))
    .filter(({ offset, instant }) => tz.offset(instant) === offset)
    .map(({ instant }) => instant);
  if (valid.length > 0) {
    return Math.min(...valid);
  }
  // In the gap: read with the offset in force before it, which lands as far past the gap's end as the time was
  // past its start (02:30 in a 02:00→03:00 gap is 03:30).
  return wall - before * MINUTE_MS;
}

/** The wall-clock time of an instant in a zone, as milliseconds "as if UTC". */
export function utcToWallClock(instant: number, zone: string): number {
  return instant + ianaZone(zone).offset(instant) * MINUTE_MS;
}

/** The start of a brand-local calendar day (local midnight, or the first moment after a gap at midnight). */
export function startOfLocalDay(date: { year: number; month: number; day: number }, zone: string): Date {
  return localToUtc({ year: date.year, month: date.month, day: date.day, hour: 0, minute: 0 }, zone);
}

/** The start of a month (`YYYY-MM`) in a zone: local midnight on the 1st, by the same rule. */
export function startOfLocalMonth(month: string, zone: string): Date {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!match) {
    throw new RangeError(`month "${month}" must be written YYYY-MM, e.g. "2026-10"`);
  }
  return startOfLocalDay({ year: Number(match[1]), month: Number(match[2]), day: 1 }, zone);
}

/** The brand-local calendar date of an instant, as a zone-free date for calendar arithmetic. */
export function localDateOf(instant: Date, zone: string): DateTime {
  const local = DateTime.fromJSDate(instant, { zone: ianaZone(zone) });
  return DateTime.utc(local.year, local.month, local.day);
}

/** Parses "YYYY-MM-DD HH:MM" as a wall-clock time in a zone. */
export function parseLocalDateTime(text: string, zone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text);
  if (!match) {
    throw new Error(`"${text}" is not "YYYY-MM-DD HH:MM"`);
  }
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  return localToUtc({ year, month, day, hour, minute }, zone);
}

function ianaZone(zone: string): IANAZone {
  const tz = IANAZone.create(zone);
  if (!tz.isValid) {
    throw new RangeError(`unknown time zone "${zone}": use an IANA name such as "Europe/London"`);
  }
  return tz;
}
