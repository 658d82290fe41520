import { DateTime, IANAZone } from 'luxon';
import { startOfLocalMonth } from '../scheduling/local-time';
import type { DstTransition, ReportPeriod } from './report-model';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A month in a brand's zone, with what the queries need beside what the model shows. */
export interface PeriodWindow {
  period: ReportPeriod;
  start: Date;
  end: Date;
  /** Every calendar day of the month, `YYYY-MM-DD`. */
  days: string[];
}

export function assertMonth(month: string): void {
  if (!MONTH.test(month)) {
    throw new RangeError(`month "${month}" must be written YYYY-MM, e.g. "2026-10"`);
  }
}

export function previousMonth(month: string): string {
  assertMonth(month);
  return DateTime.fromFormat(month, 'yyyy-MM', { zone: 'UTC' }).minus({ months: 1 }).toFormat('yyyy-MM');
}

export function nextMonth(month: string): string {
  assertMonth(month);
  return DateTime.fromFormat(month, 'yyyy-MM', { zone: 'UTC' }).plus({ months: 1 }).toFormat('yyyy-MM');
}

/**
 * The month as the brand lives it: from local midnight on the 1st to local midnight on the 1st of the next
 * month. Hours are measured, not assumed, so a month with a clock change shows 743 or 745 hours.
 */
export function periodWindow(month: string, timeZone: string, locale: string, now: Date): PeriodWindow {
  assertMonth(month);
  if (!IANAZone.isValidZone(timeZone)) {
    throw new RangeError(`cannot place ${month} in time zone "${timeZone}": unknown time zone`);
  }
  // Local midnights by the shared rule: luxon alone placed a midnight in an overlap at either occurrence
  // depending on the call, leaving an hour in neither month (America/Havana, 1 November).
  const local = (instant: Date) => DateTime.fromJSDate(instant, { zone: timeZone }).setLocale(locale);
  const first = local(startOfLocalMonth(month, timeZone));
  const next = local(startOfLocalMonth(nextMonth(month), timeZone));
  if (!first.isValid || !next.isValid) {
    throw new RangeError(`cannot place ${month} in time zone "${timeZone}": ${first.invalidExplanation}`);
  }
  const days: string[] = [];
  for (let day = first; day < next; day = day.plus({ days: 1 })) {
    days.push(day.toISODate());
  }
  const start = first.toJSDate();
  const end = next.toJSDate();
  return {
    start,
    end,
    days,
    period: {
      month,
      label: new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone }).format(start),
      start: start.toISOString(),
      end: end.toISOString(),
      firstDay: days[0],
      lastDay: days[days.length - 1],
      days: days.length,
      hours: Math.round(next.diff(first, 'hours').hours),
      dstTransitions: dstTransitions(first, next),
      partial: now < end,
    },
  };
}

/** Finds offset changes day by day, then the minute they happened: a month has at most a couple. */
function dstTransitions(first: DateTime, next: DateTime): DstTransition[] {
  const found: DstTransition[] = [];
  for (let day = first; day < next; day = day.plus({ days: 1 })) {
    const dayEnd = day.plus({ days: 1 });
    if (day.offset === dayEnd.offset) {
      continue;
    }
    let low = day.toMillis();
    let high = dayEnd.toMillis();
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 2);
      if (DateTime.fromMillis(middle, { zone: day.zone }).offset === day.offset) {
        low = middle;
      } else {
        high = middle;
      }
    }
    const at = DateTime.fromMillis(high, { zone: day.zone }).startOf('minute');
    found.push({
      at: at.toUTC().toISO()!,
      day: day.toISODate()!,
      offsetBefore: day.toFormat('ZZ'),
      offsetAfter: dayEnd.toFormat('ZZ'),
      shiftMinutes: dayEnd.offset - day.offset,
    });
  }
  return found;
}

/** The brand-local calendar day (`YYYY-MM-DD`) an instant falls on. */
export function localDay(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate()!;
}

/** The calendar day before `day` (`YYYY-MM-DD`); calendar arithmetic, so no zone is involved. */
export function dayBefore(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).minus({ days: 1 }).toISODate()!;
}
