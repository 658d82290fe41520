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
