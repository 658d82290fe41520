import { DateTime } from 'luxon';

/** How far back a scheduler catches up on days it missed (downtime, a failing platform). */
export const CATCH_UP_DAYS = 7;

/**
 * The days to collect at `now` in `zone`, oldest first: yesterday (the last complete day) and the
 * `catchUpDays - 1` days before it. Days already collected are skipped by the caller.
 */
export function collectionDays(zone: string, now: Date, catchUpDays = CATCH_UP_DAYS): string[] {
  const yesterday = DateTime.fromJSDate(now, { zone }).startOf('day').minus({ days: 1 });
  const days: string[] = [];
  for (let back = catchUpDays - 1; back >= 0; back--) {
    days.push(yesterday.minus({ days: back }).toFormat('yyyy-LL-dd'));
  }
  return days;
}

/** Today's date in `zone`: a day that has not ended yet cannot be collected. */
export function todayIn(zone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone }).toFormat('yyyy-LL-dd');
}
