import { FakeClock } from '../../clock/fake.clock';
import { describeLifetime } from './email-sign-in.service';
import { SIGN_IN_RATE, SignInRateLimit } from './sign-in-rate-limit';

describe('SignInRateLimit', () => {
  it('allows 5 requests per address in 15 minutes, then says when the oldest one frees a place', () => {
    const clock = new FakeClock('2026-12-01T09:00:00Z');
    const limit = new SignInRateLimit(clock);
    for (let i = 0; i < SIGN_IN_RATE.perAddress; i += 1) {
      expect(limit.take('a@example.com', `10.0.0.${i}`)).toBeNull();
      clock.advance(60_000);
    }
    const refused = limit.take('a@example.com', '10.0.0.99');
    expect(refused?.retryAt.toISOString()).toBe('2026-12-01T09:15:00.000Z');
    expect(refused?.seconds).toBe(10 * 60);
    // Another address from the same clients is not held up.
    expect(limit.take('b@example.com', '10.0.0.1')).toBeNull();
    clock.set('2026-12-01T09:15:00.001Z');
    expect(limit.take('a@example.com', '10.0.0.99')).toBeNull();
  });

  it('allows 20 requests per client whatever the addresses; a refused request does not count', () => {
    const clock = new FakeClock('2026-12-01T09:00:00Z');
    const limit = new SignInRateLimit(clock);
    for (let i = 0; i < SIGN_IN_RATE.perClient; i += 1) {
      expect(limit.take(`p${i}@example.com`, '10.0.0.1')).toBeNull();
    }
    expect(limit.take('new@example.com', '10.0.0.1')).not.toBeNull();
    expect(limit.take('new@example.com', '10.0.0.2')).toBeNull();
    clock.advance(SIGN_IN_RATE.windowMs);
    expect(limit.take('other@example.com', '10.0.0.1')).toBeNull();
  });
});

describe('describeLifetime', () => {
  it('says a link’s lifetime in words', () => {
    expect(describeLifetime(15 * 60_000)).toBe('15 minutes');
    expect(describeLifetime(60_000)).toBe('1 minute');
    expect(describeLifetime(3 * 3_600_000)).toBe('3 hours');
    expect(describeLifetime(3 * 86_400_000)).toBe('3 days');
  });
});
