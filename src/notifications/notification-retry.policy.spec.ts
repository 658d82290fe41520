import { AuthenticationError, OutcomeUnknownError, PermanentError, RateLimitedError } from '../plugin-sdk';
import {
  decideRetry,
  DEFAULT_RETRY_OPTIONS,
  type NotificationRetryOptions,
} from './notification-retry.policy';

describe('decideRetry', () => {
  const now = new Date('2026-11-02T09:00:00Z');
  const options = (random = 1 - Number.EPSILON): NotificationRetryOptions => ({
    ...DEFAULT_RETRY_OPTIONS,
    clock: { now: () => now },
    random: () => random,
  });

  it('stops at once on permanent and authentication errors, whatever the attempt', () => {
    expect(decideRetry(new PermanentError('no'), 1, options())).toEqual({
      retry: false,
      errorKind: 'permanent',
    });
    expect(decideRetry(new AuthenticationError('no'), 1, options())).toEqual({
      retry: false,
      errorKind: 'authentication',
    });
  });

  it('backs off exponentially from 1 s, capped at 30 s, with full jitter', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((attempt) =>
      decideRetry(new Error('503'), attempt, { ...options(), maxAttempts: 10 }),
    );
    expect(ceilings.map((d) => (d.retry ? Math.round(d.delayMs / 1000) : -1))).toEqual([
      1, 2, 4, 8, 16, 30, 30,
    ]);
    expect(decideRetry(new Error('503'), 3, options(0))).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry(new Error('503'), 3, options(0.25))).toEqual({ retry: true, delayMs: 1000 });
  });

  it('waits until a rate limit’s retryAt, capped at 60 s, and backs off when it gives none', () => {
    const at = (ms: number) => new RateLimitedError('429', new Date(now.getTime() + ms));
    expect(decideRetry(at(2500), 1, options())).toEqual({ retry: true, delayMs: 2500 });
    expect(decideRetry(at(3_600_000), 1, options())).toEqual({ retry: true, delayMs: 60_000 });
    expect(decideRetry(at(-5000), 1, options())).toEqual({ retry: true, delayMs: 0 });
    expect(decideRetry(new RateLimitedError('429'), 1, options(0.5))).toEqual({ retry: true, delayMs: 500 });
  });

  it('gives up after maxAttempts, and treats an unknown outcome as transient', () => {
    expect(decideRetry(new OutcomeUnknownError('timeout'), 4, options())).toMatchObject({ retry: true });
    expect(decideRetry(new OutcomeUnknownError('timeout'), 5, options())).toEqual({
      retry: false,
      errorKind: 'transient',
    });
    expect(decideRetry(new RateLimitedError('429', now), 5, options())).toEqual({
      retry: false,
      errorKind: 'transient',
    });
  });
});
