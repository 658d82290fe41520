import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { cadenceTarget, currentAndNextMonth, cycleCalendar, stageAt } from './cycle-calendar';

const brand = {
  timezone: 'Europe/London',
  cycle: { period: 'monthly', planDue: 7 * 86_400_000, prepareDue: 2 * 86_400_000, reviewDays: 5 },
  channels: {
    a: { enabled: true, cadence: { postsPerWeek: 3, windows: [] } },
    b: { enabled: true, cadence: { postsPerWeek: 2, windows: [] } },
    off: { enabled: false, cadence: { postsPerWeek: 7, windows: [] } },
  },
} as unknown as BrandConfig;

describe('cycle calendar', () => {
  it('bounds a month in the brand’s zone, across the October DST change', () => {
    const october = cycleCalendar(brand, '2026-10');
    expect(october.periodStart.toISOString()).toBe('2026-09-30T23:00:00.000Z'); // BST
    expect(october.periodEnd.toISOString()).toBe('2026-11-01T00:00:00.000Z'); // GMT
    expect(october.planDueAt.toISOString()).toBe('2026-09-23T23:00:00.000Z');
    expect(october.reviewEndsAt.toISOString()).toBe('2026-11-06T00:00:00.000Z');
  });

  it('moves through plan, prepare, publish, review and closed', () => {
    const december = cycleCalendar(brand, '2026-12');
    expect(stageAt(december, new Date('2026-11-20T00:00:00Z'))).toBe('plan');
    expect(stageAt(december, new Date('2026-11-28T00:00:00Z'))).toBe('prepare');
    expect(stageAt(december, new Date('2026-12-15T00:00:00Z'))).toBe('publish');
    expect(stageAt(december, new Date('2027-01-03T00:00:00Z'))).toBe('review');
    expect(stageAt(december, new Date('2027-01-10T00:00:00Z'))).toBe('closed');
  });

  it('knows the current and next month locally, and the cadence target of enabled channels', () => {
    expect(currentAndNextMonth(brand, new Date('2026-11-30T23:30:00Z'))).toEqual(['2026-11', '2026-12']);
    expect(
      currentAndNextMonth({ ...brand, timezone: 'Asia/Tokyo' }, new Date('2026-11-30T23:30:00Z')),
    ).toEqual(['2026-12', '2027-01']);
    expect(cadenceTarget(brand, cycleCalendar(brand, '2026-02'))).toBe(20); // 4 weeks × (3 + 2)
  });
});
