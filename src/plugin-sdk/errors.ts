/**
 * Errors a connector or notifier throws so the core can decide what to do next.
 * Anything else thrown by a plugin is treated as a transient failure and retried with backoff.
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

/** The remote side rejected the request itself (too long, bad media, invalid payload): retrying cannot help. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

/** The request may or may not have reached the platform: the core must reconcile before retrying. */
export class OutcomeUnknownError extends Error {
  override name = 'OutcomeUnknownError';
}
