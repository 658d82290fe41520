import { MAX_RESET_WAIT_MS, rateLimitUntil, RESET_JITTER_MS, RESET_MARGIN_MS } from './rate-limit-wait';

describe('how long a channel waits after a 429', () => {
  const now = new Date('2026-12-01T09:00:05.400Z');

  it('waits past a reset rounded down to the second (reset == now or just before) by 1 s plus jitter', () => {
    for (const reset of ['2026-12-01T09:00:05.400Z', '2026-12-01T09:00:05.000Z']) {
      const low = rateLimitUntil(new Date(reset), now, undefined, () => 0).until.getTime();
      const high = rateLimitUntil(new Date(reset), now, undefined, () => 1).until.getTime();
      expect(low).toBe(now.getTime() + RESET_MARGIN_MS);
      expect(high).toBe(now.getTime() + RESET_MARGIN_MS + RESET_JITTER_MS);
    }
  });

  it('waits for a reset in the future plus the margin', () => {
    const reset = new Date('2026-12-01T09:05:00Z');
    expect(rateLimitUntil(reset, now, undefined, () => 0.5).until.getTime()).toBe(
      reset.getTime() + RESET_MARGIN_MS + RESET_JITTER_MS / 2,
    );
  });

  it('never believes a reset more than 24 h away, and says so', () => {
    const { until, note } = rateLimitUntil(new Date('2027-06-01T00:00:00Z'), now, undefined, () => 0);
    expect(until.getTime()).toBe(now.getTime() + MAX_RESET_WAIT_MS);
    expect(note).toMatch(/more than 24 h away/);
  });

  it('falls back to a wait that doubles while the platform gives no usable reset', () => {
    for (const reset of [undefined, new Date(Number.NaN), new Date('2026-12-01T08:00:00Z')]) {
      const first = rateLimitUntil(reset, now, undefined, () => 0);
      expect(first.until.getTime()).toBe(now.getTime() + 5000);
      expect(first.note).toMatch(/no usable reset/);
    }
    const previous = { since: now.getTime() - 5000, until: now.getTime() };
    expect(rateLimitUntil(undefined, now, previous, () => 0).until.getTime()).toBe(now.getTime() + 10_000);
    const long = { since: now.getTime() - 3_600_000, until: now.getTime() };
    expect(rateLimitUntil(undefined, now, long, () => 0).until.getTime()).toBe(now.getTime() + 15 * 60_000);
  });
});
