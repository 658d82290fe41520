import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type Connector,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';

/** What happened while driving one post, for assertions. */
export interface DriveLog {
  attempts: number;
  lookups: number;
  refreshes: number;
  rateLimits: Date[];
}

/**
 * Drives one post the way the core does (src/publishing/publish-failure.handler.ts): after an unknown outcome it
 * calls lookup before anything else and sends again only when lookup found nothing; a 429 waits (here: not at all)
 * and keeps the unknown outcome pending; an AuthenticationError gets one refreshCredentials, then the send again;
 * a PermanentError fails the post; anything else is retried.
 */
export async function drivePublish(
  connectorOf: Connector | (() => Connector),
  request: PublishRequest,
  maxAttempts = 10,
): Promise<{ result: PublishResult; log: DriveLog }> {
  // A function gives a new instance per attempt: a restart between attempts, with the same durable state.
  const next = typeof connectorOf === 'function' ? connectorOf : () => connectorOf;
  const log: DriveLog = { attempts: 0, lookups: 0, refreshes: 0, rateLimits: [] };
  let unknown = false;
  let refreshed = false;
  while (log.attempts < maxAttempts) {
    log.attempts += 1;
    const connector = next();
    try {
      if (unknown) {
        log.lookups += 1;
        const found = (await connector.lookup!(request.idempotencyKey)) as PublishResult | undefined;
        if (found) {
          return { result: found, log };
        }
        unknown = false;
      }
      return { result: (await connector.publish!(request)) as PublishResult, log };
    } catch (error) {
      if (error instanceof OutcomeUnknownError) {
        unknown = true;
      } else if (error instanceof RateLimitedError) {
        log.rateLimits.push(error.retryAt as Date);
      } else if (error instanceof AuthenticationError) {
        if (refreshed || !(await connector.refreshCredentials!())) {
          throw error;
        }
        refreshed = true;
        log.refreshes += 1;
      } else if (error instanceof PermanentError) {
        throw error;
      }
    }
  }
  throw new Error(`post ${request.idempotencyKey} not settled after ${maxAttempts} attempts`);
}
