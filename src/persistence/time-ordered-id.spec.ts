import { timeOrderedId } from './time-ordered-id';

describe('timeOrderedId', () => {
  it('is a UUID version 7 with the RFC 9562 variant', () => {
    expect(timeOrderedId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('carries the time in its first 48 bits, so ids sort by time across milliseconds', () => {
    const at = Date.UTC(2026, 10, 28, 16, 0, 0, 123);
    expect(parseInt(timeOrderedId(at).replace('-', '').slice(0, 12), 16)).toBe(at);
    const ids = [at + 2, at, at + 1].map((ms) => timeOrderedId(ms));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });

  it('differs within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedId(1_800_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});
