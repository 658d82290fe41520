import { DateTime } from 'luxon';
import { cadenceGaps, calendarDate, calendarRange } from './calendar-grid';

describe('calendar grid', () => {
  it('a month is whole weeks, Monday first; a week is Monday to Sunday', () => {
    const month = calendarRange('month', calendarDate('2030-03-31')!);
    expect(month.days[0]).toBe('2030-02-25');
    expect(month.days.at(-1)).toBe('2030-03-31');
    expect(month.days).toHaveLength(35);
    expect(month.previous).toBe('2030-02-28');
    const week = calendarRange('week', calendarDate('2030-03-31')!);
    expect(week.days).toEqual([
      '2030-03-25',
      '2030-03-26',
      '2030-03-27',
      '2030-03-28',
      '2030-03-29',
      '2030-03-30',
      '2030-03-31',
    ]);
    expect(week.next).toBe('2030-04-07');
  });

  it('refuses dates that are not dates', () => {
    expect(calendarDate('2030-02-30')).toBeUndefined();
    expect(calendarDate('soon')).toBeUndefined();
    expect(calendarDate(undefined)).toBeUndefined();
  });

  it('cadence gaps: the windows a week still needs, earliest first, none where a post is', () => {
    const range = calendarRange('week', DateTime.fromISO('2030-03-27', { zone: 'UTC' }));
    const cadence = { postsPerWeek: 2, windows: ['Mon,Wed,Fri 09:00-10:00'] };
    const now = new Date('2030-01-01T00:00:00Z');
    const none = cadenceGaps({ channel: 'social', cadence, zone: 'Europe/London', range, taken: [], now });
    expect(none.map((gap) => gap.start.toISOString())).toEqual([
      '2030-03-25T09:00:00.000Z',
      '2030-03-27T09:00:00.000Z',
    ]);
    // A post in Monday's window: one more is needed, in the next free window.
    const one = cadenceGaps({
      channel: 'social',
      cadence,
      zone: 'Europe/London',
      range,
      taken: [new Date('2030-03-25T09:30:00Z')],
      now,
    });
    expect(one.map((gap) => gap.start.toISOString())).toEqual(['2030-03-27T09:00:00.000Z']);
    // Slots that ended are not offered; no target, no gaps.
    expect(
      cadenceGaps({
        channel: 'social',
        cadence,
        zone: 'Europe/London',
        range,
        taken: [],
        now: new Date('2030-04-01T00:00:00Z'),
      }),
    ).toEqual([]);
    expect(
      cadenceGaps({
        channel: 'social',
        cadence: { postsPerWeek: 0, windows: cadence.windows },
        zone: 'UTC',
        range,
        taken: [],
        now,
      }),
    ).toEqual([]);
  });

  it('cadence gaps after a clock change sit at the window’s local time', () => {
    const range = calendarRange('week', DateTime.fromISO('2030-04-01', { zone: 'UTC' }));
    const gaps = cadenceGaps({
      channel: 'social',
      cadence: { postsPerWeek: 1, windows: ['Mon 09:00-10:00'] },
      zone: 'Europe/London',
      range,
      taken: [],
      now: new Date('2030-01-01T00:00:00Z'),
    });
    expect(gaps.map((gap) => gap.start.toISOString())).toEqual(['2030-04-01T08:00:00.000Z']);
  });
});
