import { DateTime } from 'luxon';
import type { BrandConfig } from '../../src/config/schema/metronome-config.schema';
import { cycleCalendar } from '../../src/cycles/cycle-calendar';
import { businessHoursOf, businessMinutesBetween } from '../../src/scheduling/business-hours';
import { periodWindow } from '../../src/reporting/report-period';
import { ReportScheduler } from '../../src/reporting/report.scheduler';
import { parsePublishingWindow, type PublishingWindow } from '../../src/config/schema/cadence.schema';
import { CronSchedule } from '../../src/scheduling/cron-schedule';
import { findSlot } from '../../src/scheduling/slot-allocator';
import { localToUtc } from '../../src/scheduling/local-time';
import { DstOracle } from './dst-oracle';

/**
 * A full year of wall-clock placement in zones with every kind of clock change: the usual one-hour shifts
 * (southern and northern hemispheres), a 30-minute shift (Lord Howe), a change at midnight (Santiago's gap,
 * Havana's overlap). Each expectation comes from DstOracle, which reads clocks through Intl, not luxon.
 */
const ZONES = [
  'Australia/Sydney',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'America/Santiago',
  'America/Havana',
];
const YEAR = 2026;
const oracles = new Map(ZONES.map((zone) => [zone, new DstOracle(zone, YEAR)]));
const oracle = (zone: string) => oracles.get(zone) as DstOracle;

describe.each(ZONES)('wall-clock times in %s', (zone) => {
  it('has the clock changes the test expects (two a year)', () => {
    expect(oracle(zone).transitions.filter((t) => new Date(t.at).getUTCFullYear() === YEAR)).toHaveLength(2);
  });

  it('places every hour of the year (every quarter hour around a clock change): ordinary as is, a gap moved forward, an overlap at its first occurrence', () => {
    const wrong: string[] = [];
    const seen = { ordinary: 0, overlap: 0, gap: 0 };
    for (const [year, month, day] of oracle(zone).days()) {
      const step = oracle(zone).nearTransition(year, month, day) ? 15 : 60;
      for (let minutes = 0; minutes < 1440; minutes += step) {
        const hour = Math.floor(minutes / 60);
        const minute = minutes % 60;
        const expected = oracle(zone).expected(Date.UTC(year, month - 1, day, hour, minute));
        seen[expected.kind]++;
        const actual = localToUtc({ year, month, day, hour, minute }, zone).getTime();
        if (actual !== expected.instant) {
          wrong.push(
            `${year}-${month}-${day} ${hour}:${minute} (${expected.kind}): ${new Date(actual).toISOString()}, expected ${new Date(expected.instant).toISOString()}`,
          );
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(seen.gap).toBeGreaterThan(0);
    expect(seen.overlap).toBeGreaterThan(0);
  });
});

/** Wall times (ms "as if UTC") of a simple cron (numbers, ranges, lists, `*`, `*\/n`; day of month or of week) in a year. */
function simpleCronWalls(expression: string, year: number): number[] {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = expression.split(' ').map((field, index) => {
    const max = [59, 23, 31, 12, 6][index];
    const min = [0, 0, 1, 1, 0][index];
    if (field === '*') {
      return undefined;
    }
    const step = /^\*\/(\d+)$/.exec(field);
    const values = step
      ? Array.from({ length: max - min + 1 }, (_, i) => i + min).filter(
          (v) => (v - min) % Number(step[1]) === 0,
        )
      : field.split(',').flatMap((part) => {
          const [low, high = low] = part.split('-').map(Number);
          return Array.from({ length: high - low + 1 }, (_, i) => low + i);
        });
    return new Set(values);
  });
  const walls: number[] = [];
  for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += 86_400_000) {
    const date = new Date(day);
    if (
      (dayOfMonth && !dayOfMonth.has(date.getUTCDate())) ||
      (month && !month.has(date.getUTCMonth() + 1)) ||
      (dayOfWeek && !dayOfWeek.has(date.getUTCDay()))
    ) {
      continue;
    }
    for (let h = 0; h < 24; h++) {
      for (let m = 0; m < 60; m++) {
        if ((!hour || hour.has(h)) && (!minute || minute.has(m))) {
          walls.push(day + (h * 60 + m) * 60_000);
        }
      }
    }
  }
  return walls;
}

/** Each case hits its zone's spring-forward gap, its autumn overlap, or both, at least once in the year. */
const CRON_CASES: [zone: string, expression: string][] = [
  ['Australia/Sydney', '30 2 4 * *'], // the issue: 4 October 2026, 02:30, is in the gap
  ['Australia/Sydney', '30 2 * * *'], // gap on 4 October, overlap on 5 April
  ['America/New_York', '30 2 8 * *'], // gap on 8 March
  ['America/New_York', '30 1 * * 0'], // overlap on Sunday 1 November
  ['Europe/London', '30 1 * * *'], // gap on 29 March, overlap on 25 October
  ['Europe/London', '*/20 0-3 * * *'],
  ['Australia/Lord_Howe', '15 2 * * *'], // 30-minute gap on 4 October
  ['Australia/Lord_Howe', '45 1 * * *'], // 30-minute overlap on 5 April
];

describe.each(CRON_CASES)('cron in %s: "%s" through 2026', (zone, expression) => {
  const from = new Date('2026-01-10T00:00:00Z');
  const to = new Date('2026-12-20T00:00:00Z');
  const expected = [
    ...new Set(simpleCronWalls(expression, YEAR).map((wall) => oracle(zone).expected(wall).instant)),
  ]
    .filter((instant) => instant >= from.getTime() && instant < to.getTime())
    .sort((a, b) => a - b);
  const iso = (instants: number[]) => instants.map((instant) => new Date(instant).toISOString());

  it('finds every occurrence once: a time in a gap moved forward, a time in an overlap at its first occurrence', () => {
    const schedule = CronSchedule.parse(expression, zone);
    expect(iso(schedule.between(from, to).map((date) => date.getTime()))).toEqual(iso(expected));
  });

  it('steps from each occurrence to the one before and after it', () => {
    const schedule = CronSchedule.parse(expression, zone);
    // Every occurrence within three days of a clock change, and a spread of the others.
    const nearChange = (instant: number) =>
      oracle(zone).transitions.some((t) => Math.abs(t.at - instant) < 3 * 86_400_000);
    const spread = Math.ceil(expected.length / 30);
    const sample = expected.filter((instant, i) => nearChange(instant) || i % spread === 0);
    const wrong: string[] = [];
    for (const instant of sample) {
      const index = expected.indexOf(instant);
      const at = new Date(instant);
      if (schedule.previous(at)?.getTime() !== instant) {
        wrong.push(`previous(${at.toISOString()}) = ${schedule.previous(at)?.toISOString()}`);
      }
      if (index > 0 && schedule.previous(new Date(instant - 1))?.getTime() !== expected[index - 1]) {
        wrong.push(
          `previous(just before ${at.toISOString()}) = ${schedule.previous(new Date(instant - 1))?.toISOString()}`,
        );
      }
      if (index > 0 && schedule.next(new Date(expected[index - 1]))?.getTime() !== instant) {
        wrong.push(
          `next(${new Date(expected[index - 1]).toISOString()}) = ${schedule.next(new Date(expected[index - 1]))?.toISOString()}`,
        );
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});

describe.each([
  ['Australia/Sydney', '30 2 4 * *'],
  ['America/New_York', '30 2 8 * *'],
  ['Europe/London', '30 1 25 * *'],
  ['Australia/Lord_Howe', '15 2 4 * *'],
])('the monthly report schedule in %s ("%s")', (zone, schedule) => {
  it('makes every month due in turn through 2026, none skipped, each once', () => {
    // The oracle's occurrences; the due month can only change at one, so look at each and just before it.
    const occurrences = [
      ...new Set(simpleCronWalls(schedule, YEAR).map((wall) => oracle(zone).expected(wall).instant)),
    ].sort((a, b) => a - b);
    const due: string[] = [];
    for (const instant of occurrences.flatMap((at) => [at - 1, at])) {
      const month = ReportScheduler.dueMonth(schedule, zone, new Date(instant));
      if (month && due[due.length - 1] !== month) {
        due.push(month);
      }
    }
    const consecutive = due.map((_, i) =>
      DateTime.fromFormat('2025-11', 'yyyy-LL', { zone: 'UTC' }).plus({ months: i }).toFormat('yyyy-LL'),
    );
    expect(due).toEqual(consecutive);
    expect(due).toHaveLength(13); // 2025-11 (due before the first occurrence of 2026) to 2026-11
  });
});

describe.each(ZONES)('months in %s: cycles and report periods through 2026', (zone) => {
  const brand = {
    timezone: zone,
    cycle: { period: 'monthly', planDue: 7 * 86_400_000, prepareDue: 2 * 86_400_000, reviewDays: 5 },
    channels: {},
  } as unknown as BrandConfig;
  const months = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
  const midnight = (year: number, month: number, day: number) =>
    new Date(oracle(zone).expected(Date.UTC(year, month - 1, day)).instant).toISOString();

  it('start at local midnight on the 1st (its first occurrence) and end where the next month starts', () => {
    const cycles = months.map((month) => cycleCalendar(brand, month));
    expect(cycles.map((c) => c.periodStart.toISOString())).toEqual(
      months.map((_, i) => midnight(YEAR, i + 1, 1)),
    );
    expect(cycles.map((c) => c.periodEnd.toISOString())).toEqual(
      months.map((_, i) => midnight(YEAR, i + 2, 1)),
    );
    expect(cycles.map((c) => c.reviewEndsAt.toISOString())).toEqual(
      months.map((_, i) => midnight(YEAR, i + 2, 6)),
    );
  });

  it('give the report the same month as the cycle', () => {
    const periods = months.map((month) =>
      periodWindow(month, zone, 'en-GB', new Date('2027-06-01T00:00:00Z')),
    );
    expect(periods.map((p) => [p.start.toISOString(), p.end.toISOString()])).toEqual(
      months.map((_, i) => [midnight(YEAR, i + 1, 1), midnight(YEAR, i + 2, 1)]),
    );
  });
});

describe.each(ZONES)('business hours in %s through 2026', (zone) => {
  const minutesOf = (from: number, to: number, hours: string) =>
    businessMinutesBetween(new Date(from), new Date(to), businessHoursOf(zone, hours));

  it('count every real minute when open around the clock, across every clock change', () => {
    const wrong: string[] = [];
    for (const [year, month, day] of oracle(zone).days()) {
      const noon = oracle(zone).expected(Date.UTC(year, month - 1, day, 12)).instant;
      const counted = minutesOf(noon, noon + 36 * 3_600_000, 'daily 00:00-24:00');
      if (counted !== 36 * 60) {
        wrong.push(`${year}-${month}-${day} 12:00 + 36 h: ${counted} minutes`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('open a window whose start is in a gap or an overlap by the same rule as every other local time', () => {
    const wrong: string[] = [];
    for (const [year, month, day] of oracle(zone)
      .days()
      .filter(([y, m, d]) => oracle(zone).nearTransition(y, m, d))) {
      for (const [from, to] of [
        [0, 6],
        [1, 5],
        [2, 4],
      ]) {
        for (const startMinute of [0, 15, 30, 45]) {
          const wall = (hour: number, minute = 0) => Date.UTC(year, month - 1, day, hour, minute);
          const start = oracle(zone).expected(wall(from, startMinute)).instant;
          const end = oracle(zone).expected(wall(to)).instant;
          const pad = (n: number) => String(n).padStart(2, '0');
          const window = `daily ${pad(from)}:${pad(startMinute)}-${pad(to)}:00`;
          const dayStart = oracle(zone).expected(wall(0)).instant - 3_600_000;
          const counted = minutesOf(dayStart, dayStart + 20 * 3_600_000, window);
          // Only this day's window falls inside the 20 hours looked at (the next one starts a day later).
          const expected = Math.max(0, (end - start) / 60_000);
          if (counted !== expected) {
            wrong.push(`${year}-${month}-${day} ${window}: ${counted} minutes, expected ${expected}`);
          }
        }
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });
});

/** Windows that lie partly or wholly in each zone's gap, or across its overlap, on the change days of 2026. */
const SLOT_CASES: [zone: string, window: string][] = [
  ['Australia/Sydney', 'Sun 02:00-03:00'], // wholly in the gap on 4 October; the repeated hour on 5 April
  ['Australia/Sydney', 'daily 02:30-04:00'],
  ['America/New_York', 'daily 02:30-03:15'], // starts in the gap on 8 March
  ['America/New_York', 'daily 01:30-02:00'], // in the overlap on 1 November
  ['Europe/London', 'daily 01:00-02:00'], // the gap on 29 March, the overlap on 25 October
  ['Australia/Lord_Howe', 'daily 02:00-02:30'], // wholly in the 30-minute gap on 4 October
  ['Australia/Lord_Howe', 'daily 01:30-02:00'], // the 30-minute overlap on 5 April
];

describe.each(SLOT_CASES)('next-slot in %s with "%s" through 2026', (zone, text) => {
  const window = parsePublishingWindow(text) as PublishingWindow;
  const weekday = (date: Date) => ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][date.getUTCDay()];

  it('gives one post to every window of the year, at its start placed by the DST rule, in order', () => {
    const starts = oracle(zone)
      .days()
      .map(([year, month, day]) => Date.UTC(year, month - 1, day))
      .filter((midnight) =>
        window.days.includes(weekday(new Date(midnight)) as PublishingWindow['days'][number]),
      )
      .map((midnight) => oracle(zone).expected(midnight + window.start * 60_000).instant);
    const placed: number[] = [];
    let from = new Date(oracle(zone).expected(Date.UTC(YEAR, 0, 1)).instant);
    for (let i = 0; i < starts.length; i++) {
      const slot = findSlot({
        windows: [window],
        timezone: zone,
        postsPerWeek: 0,
        // The post before is still in its window when the search starts: that window is taken.
        occupied: placed.slice(-3).map((at) => new Date(at)),
        from,
        horizonDays: 30,
      });
      if (!slot.at) {
        throw new Error(`post ${i}: ${slot.reason}`);
      }
      placed.push(slot.at.getTime());
      from = slot.at;
    }
    const iso = (list: number[]) => list.map((at) => new Date(at).toISOString());
    expect(iso(placed)).toEqual(iso(starts));
    expect(new Set(placed).size).toBe(placed.length);
  });
});

describe.each(['Australia/Sydney', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe'])(
  'the weekly cadence in %s through 2026',
  (zone) => {
    it('fills each local week (Monday to Sunday) with exactly postsPerWeek posts, clock changes included', () => {
      const window = parsePublishingWindow('daily 09:00-10:00') as PublishingWindow;
      const placed: Date[] = [];
      for (let i = 0; i < 2 * 52; i++) {
        const slot = findSlot({
          windows: [window],
          timezone: zone,
          postsPerWeek: 2,
          occupied: placed.slice(-4),
          from: placed[placed.length - 1] ?? new Date(oracle(zone).expected(Date.UTC(2026, 0, 5)).instant),
        });
        placed.push(slot.at as Date);
      }
      const local = placed.map((at) => DateTime.fromJSDate(at, { zone }));
      const perWeek = new Map<string, number>();
      for (const at of local) {
        const week = `${at.weekYear}-W${at.weekNumber}`;
        perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
      }
      expect([...perWeek].filter(([, count]) => count !== 2)).toEqual([]);
      expect(perWeek.size).toBe(52);
      expect(new Set(local.map((at) => at.toFormat('ccc HH:mm')))).toEqual(
        new Set(['Mon 09:00', 'Tue 09:00']),
      );
    });
  },
);
