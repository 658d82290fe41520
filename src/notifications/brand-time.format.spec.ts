import { formatBrandTime, LONG } from './brand-time.format';

describe('times for people, in the brand’s zone with its abbreviation', () => {
  it.each([
    ['Europe/London', '2026-07-01T08:00:00Z', '2026-07-01 09:00 BST'],
    ['Europe/London', '2026-12-01T09:00:00Z', '2026-12-01 09:00 GMT'],
    ['Europe/Paris', '2026-12-01T09:00:00Z', '2026-12-01 10:00 CET'],
    ['America/New_York', '2026-07-01T13:00:00Z', '2026-07-01 09:00 EDT'],
    ['Australia/Sydney', '2026-12-01T00:00:00Z', '2026-12-01 11:00 AEDT'],
    ['Pacific/Auckland', '2026-07-01T00:00:00Z', '2026-07-01 12:00 NZST'],
    ['Asia/Tokyo', '2026-12-01T00:00:00Z', '2026-12-01 09:00 JST'],
    ['UTC', '2026-12-01T00:00:00Z', '2026-12-01 00:00 UTC'],
  ])('%s %s → %s', (zone, at, shown) => {
    expect(formatBrandTime(new Date(at), zone)).toBe(shown);
    expect(formatBrandTime(at, zone)).toBe(shown);
  });

  it('falls back to the offset where no locale names the zone, and writes e-mail dates in full', () => {
    expect(formatBrandTime('2026-12-01T00:00:00Z', 'Asia/Kathmandu')).toBe('2026-12-01 05:45 GMT+5:45');
    expect(formatBrandTime('2026-12-04T09:15:00Z', 'Europe/London', LONG)).toBe('Fri 4 Dec 2026, 09:15 GMT');
  });
});
