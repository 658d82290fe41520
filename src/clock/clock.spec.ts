import { SystemClock } from './clock';
import { FakeClock } from './fake.clock';

describe('Clock', () => {
  it('the system clock reads the machine time', () => {
    const before = Date.now();
    const now = new SystemClock().nowMs();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('a fake clock stands still until moved', () => {
    const clock = new FakeClock('2026-03-29T00:30:00Z');
    expect(clock.now().toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(clock.advance(60 * 60_000).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    clock.set('2026-10-25T01:00:00Z');
    expect(clock.now().toISOString()).toBe('2026-10-25T01:00:00.000Z');
  });
});
