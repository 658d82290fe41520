import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { utcToWallClock, wallClockToUtc } from './local-time';

/**
 * How far a wall clock can be from its usual offset at a clock change. Real DST shifts are at most two hours
 * (double summer time); days skipped by a zone moving across the date line are not covered.
 */
const SHIFT_MARGIN_MS = 3 * 3_600_000;
/** Enough for a schedule that fires every second across twice the margin; reports fire monthly. */
const MAX_STEPS = 8 * 3_600;

/**
 * A cron expression read as wall-clock times in a zone, placed by the same rule as every other local time:
 * a time in a DST gap moves forward by the gap, a time in an overlap fires once, at its first occurrence.
 *
 * cron-parser only matches fields here, on a clock without DST (UTC); it is not given the zone, because its
 * own DST handling drops occurrences: `prev()` skips a time in a spring-forward gap (`30 2 4 * *` in
 * Australia/Sydney never finds 4 October 2026, so September's report was never due), and its gap and overlap
 * handling has open bugs upstream (harrisiirak/cron-parser#378, #404, #446 at 5.10).
 */
export class CronSchedule {
  private constructor(
    readonly expression: string,
    readonly zone: string,
  ) {}

  /** Throws with cron-parser's reason when the expression is not cron, and for an unknown zone. */
  static parse(expression: string, zone: string): CronSchedule {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    utcToWallClock(0, zone);
    return new CronSchedule(expression, zone);
  }

  /** The latest occurrence at or before `at`; undefined when there is none. */
  previous(at: Date): Date | undefined {
    const target = at.getTime();
    const walls = this.walls(utcToWallClock(target, this.zone) + SHIFT_MARGIN_MS + 1);
    let best: { instant: number; wall: number } | undefined;
    for (let step = 0; step < MAX_STEPS; step++) {
      const wall = this.step(() => walls.prev());
      // Walls earlier than the best one by more than any clock shift cannot be placed after it.
      if (wall === undefined || (best && wall < best.wall - SHIFT_MARGIN_MS)) {
        break;
      }
      const instant = wallClockToUtc(wall, this.zone);
      if (instant <= target && (!best || instant > best.instant)) {
        best = { instant, wall };
      }
    }
    return best ? new Date(best.instant) : undefined;
  }

  /** The first occurrence after `after`; undefined when there is none. */
  next(after: Date): Date | undefined {
    const target = after.getTime();
    const walls = this.walls(utcToWallClock(target, this.zone) - SHIFT_MARGIN_MS - 1);
    let best: { instant: number; wall: number } | undefined;
    for (let step = 0; step < MAX_STEPS; step++) {
      const wall = this.step(() => walls.next());
      if (wall === undefined || (best && wall > best.wall + SHIFT_MARGIN_MS)) {
        break;
      }
      const instant = wallClockToUtc(wall, this.zone);
      if (instant > target && (!best || instant < best.instant)) {
        best = { instant, wall };
      }
    }
    return best ? new Date(best.instant) : undefined;
  }

  /** Every occurrence in [from, to), each once, in order. */
  between(from: Date, to: Date): Date[] {
    const found = new Set<number>();
    const walls = this.walls(utcToWallClock(from.getTime(), this.zone) - SHIFT_MARGIN_MS - 1);
    const lastWall = utcToWallClock(to.getTime(), this.zone) + SHIFT_MARGIN_MS;
    for (;;) {
      const wall = this.step(() => walls.next());
      if (wall === undefined || wall > lastWall) {
        break;
      }
      const instant = wallClockToUtc(wall, this.zone);
      if (instant >= from.getTime() && instant < to.getTime()) {
        found.add(instant);
      }
    }
    return [...found].sort((a, b) => a - b).map((instant) => new Date(instant));
  }

  /** Matching wall-clock times around `wall` (milliseconds "as if UTC"). */
  private walls(wall: number): CronExpression {
    return CronExpressionParser.parse(this.expression, { tz: 'UTC', currentDate: new Date(wall) });
  }

  /** One step of the iterator; undefined when it has nothing more (an impossible date such as 30 February). */
  private step(move: () => { getTime(): number }): number | undefined {
    try {
      return move().getTime();
    } catch {
      return undefined;
    }
  }
}
