import { AuthenticationError, PermanentError, RateLimitedError, type PluginClock } from '../plugin-sdk';

/** How the dispatcher retries. Everything time-related is injectable so tests never really wait. */
export interface NotificationRetryOptions {
  /** Attempts per send, the first one included. */
  maxAttempts: number;
  /** Backoff: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs · 2^(n-1))) ("full jitter"). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The longest a service's Retry-After may make one send wait before its next attempt. */
  maxRateLimitWaitMs: number;
  sleep(ms: number): Promise<void>;
  clock: PluginClock;
  /** A number in [0, 1), like Math.random. */
  random(): number;
}

/** Injection token for a Partial<NotificationRetryOptions> (the clock aside: it is the injected Clock) that overrides the defaults. */
export const NOTIFICATION_RETRY_OPTIONS = Symbol('NOTIFICATION_RETRY_OPTIONS');

export const DEFAULT_RETRY_OPTIONS: Omit<NotificationRetryOptions, 'clock'> = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; errorKind: 'permanent' | 'authentication' | 'transient' };

/**
 * After failed attempt number `attempt` (1-based): stop at once on a permanent or authentication error, stop
 * when the attempts are used up, otherwise wait what the service asked for (capped) or back off with jitter.
 */
export function decideRetry(
  error: unknown,
  attempt: number,
  options: NotificationRetryOptions,
): RetryDecision {
  if (error instanceof AuthenticationError) {
    return { retry: false, errorKind: 'authentication' };
  }
  if (error instanceof PermanentError) {
    return { retry: false, errorKind: 'permanent' };
  }
  if (attempt >= options.maxAttempts) {
    return { retry: false, errorKind: 'transient' };
  }
  if (error instanceof RateLimitedError && error.retryAt) {
    const wait = error.retryAt.getTime() - options.clock.now().getTime();
    return { retry: true, delayMs: Math.min(Math.max(0, wait), options.maxRateLimitWaitMs) };
  }
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return { retry: true, delayMs: Math.floor(options.random() * ceiling) };
}
