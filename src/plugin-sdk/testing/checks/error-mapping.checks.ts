import type { RateLimitedError } from '../../errors';
import {
  ConformanceProblem,
  describeError,
  isSdkError,
  type ConformanceSession,
} from '../conformance-session';
import type { ConformanceCheckName, ConformanceFault } from '../conformance-types';
import type { ConformanceCheck } from './conformance-check';

/** How far after the platform's reset a retryAt may be before it is absurd (the post waits for nothing). */
const LATEST_AFTER_RESET_MS = 5 * 60_000;
/** Rounding to the second is fine; earlier than that, the retry is refused again. */
const EARLIEST_BEFORE_RESET_MS = 1_000;

/**
 * Injects the fault, publishes, and hands the error to `judge`; then does what the core does next (lookup, and
 * publish again if the post is absent) and expects exactly one post: the failed attempt made none.
 */
async function underFault(
  session: ConformanceSession<unknown>,
  fault: ConformanceFault,
  what: string,
  judge: (error: unknown, fault: ConformanceFault) => string | undefined,
): Promise<void> {
  const request = session.request(fault.kind);
  await session.platform.injectFault(fault);
  let failure: unknown;
  let failed = false;
  try {
    await session.publish(request);
  } catch (error) {
    if (error instanceof ConformanceProblem) {
      throw error;
    }
    failure = error;
    failed = true;
  }
  if (!failed) {
    throw new ConformanceProblem(
      `publish succeeded although the platform answered ${what}: either the connector hides the failure, or the platform did not apply the fault (check injectFault, or the fault proxy’s matcher)`,
    );
  }
  const problem = judge(failure, fault);
  if (problem) {
    throw new ConformanceProblem(problem);
  }
  const result = await session.lookupThenRetry(request);
  await session.expectOnePost(request, result, `after ${what} and the core's lookup-then-retry`);
}

function faultCheck(
  name: ConformanceCheckName,
  title: string,
  fault: (session: ConformanceSession<unknown>) => ConformanceFault,
  what: string,
  judge: (error: unknown, fault: ConformanceFault) => string | undefined,
  methods: ConformanceCheck['methods'] = ['publish'],
): ConformanceCheck {
  return {
    name,
    title,
    capability: 'publish',
    methods,
    after: ['publish-signature'],
    run: (session) => underFault(session, fault(session), what, judge),
  };
}

function needsReconnect(status: number) {
  return (error: unknown) =>
    isSdkError(error, 'AuthenticationError')
      ? undefined
      : `a ${status} answer must become AuthenticationError (throw needsReconnect(message)) so the channel waits for a person to reconnect it; the connector threw ${describeError(error)}`;
}

export const rateLimited = faultCheck(
  'rate-limited',
  'a 429 becomes RateLimitedError with retryAt at the platform’s reset',
  // Half a second past a whole second, so a reset rounded down (as a PDS sends it) is visible.
  ({ context }) => ({
    kind: 'rate-limited',
    resetAt: new Date(Math.floor(context.clock.now().getTime() / 1000) * 1000 + 90_500),
  }),
  'a 429 (rate limited)',
  (error, fault) => {
    const rateLimitReset = (fault as { resetAt: Date }).resetAt;
    if (!isSdkError(error, 'RateLimitedError')) {
      const permanent = isSdkError(error, 'PermanentError')
        ? ' A 429 mapped as permanent makes the core give up on a post that only had to wait.'
        : '';
      return `a 429 must become RateLimitedError (throw rateLimited(message, resetAt)) with the time from the platform's reset header; the connector threw ${describeError(error)}.${permanent}`;
    }
    const retryAt = (error as RateLimitedError).retryAt;
    if (!(retryAt instanceof Date) || Number.isNaN(retryAt.getTime())) {
      return `RateLimitedError without retryAt: read the platform's reset header (retry-after, ratelimit-reset, x-ratelimit-reset) so the core waits exactly until ${rateLimitReset.toISOString()}`;
    }
    if (retryAt.getTime() < rateLimitReset.getTime() - EARLIEST_BEFORE_RESET_MS) {
      return `retryAt ${retryAt.toISOString()} is before the platform's reset ${rateLimitReset.toISOString()}: a retry then is refused again. Take the later of the reset headers, or round up`;
    }
    if (retryAt.getTime() > rateLimitReset.getTime() + LATEST_AFTER_RESET_MS) {
      return `retryAt ${retryAt.toISOString()} is long after the platform's reset ${rateLimitReset.toISOString()}: read the reset header in the unit the platform sends (seconds, not milliseconds)`;
    }
    return undefined;
  },
);

export const unauthorized = faultCheck(
  'unauthorized',
  'a 401 becomes AuthenticationError',
  () => ({ kind: 'unauthorized' }),
  'a 401 (credentials refused)',
  needsReconnect(401),
);

export const forbidden = faultCheck(
  'forbidden',
  'a 403 becomes AuthenticationError',
  () => ({ kind: 'forbidden' }),
  'a 403 (permission missing)',
  needsReconnect(403),
);

export const refused = faultCheck(
  'refused',
  'a 4xx refusal of the post becomes PermanentError',
  () => ({ kind: 'refused' }),
  'a 4xx refusing the post',
  (error) =>
    isSdkError(error, 'PermanentError')
      ? undefined
      : `the platform refused the post itself (4xx) and the connector threw ${describeError(error)}: throw refusedByPlatform(code, message) (PermanentError) so the core stops retrying and shows the platform's words`,
);

export const serverError = faultCheck(
  'server-error',
  'a 5xx is transient or outcome unknown, and lookup-then-retry makes exactly one post',
  () => ({ kind: 'server-error' }),
  'a 5xx',
  (error) =>
    isSdkError(error, 'PermanentError') || isSdkError(error, 'AuthenticationError')
      ? `a 5xx is the platform's trouble, not the post's: throw transientFailure(...) or outcomeUnknown(...) (the connector threw ${describeError(error)}, so the core gives up or asks for a reconnect)`
      : undefined,
  ['publish', 'lookup'],
);

export const timeout = faultCheck(
  'timeout',
  'a request with no answer is outcome unknown or transient, never permanent',
  () => ({ kind: 'timeout' }),
  'nothing (a timeout)',
  (error) =>
    isSdkError(error, 'PermanentError') ||
    isSdkError(error, 'AuthenticationError') ||
    isSdkError(error, 'RateLimitedError')
      ? `a request that got no answer may have reached the platform: throw outcomeUnknown(...) so the core looks the post up before any retry (the connector threw ${describeError(error)})`
      : undefined,
  ['publish', 'lookup'],
);
