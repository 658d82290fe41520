/**
 * Errors a connector throws so the core can decide what to do next.
 * Anything else thrown by a connector is treated as a transient failure.
 */
export class RateLimitedError extends Error {
  constructor(
    message: string,
    /** When the platform says to try again. */
    readonly retryAt?: Date,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

/** Credentials were refused: the channel needs a person to reconnect it. Never retried. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

/** The platform rejected the content itself (too long, bad media): retrying cannot help. */
export class PermanentPublishError extends Error {
  override name = 'PermanentPublishError';
}

/** The request may or may not have reached the platform: the core must reconcile before retrying. */
export class OutcomeUnknownError extends Error {
  override name = 'OutcomeUnknownError';
}
