/**
 * Errors a connector or notifier throws so the core can decide what to do next, and helpers that build them
 * (SDK 2). Anything else thrown by a plugin is treated as a transient failure and retried with backoff.
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
  /** The platform's own error code, when it gave one (SDK 2). */
  platformCode?: string;
}

/** The request may or may not have reached the platform: the core must reconcile before retrying. */
export class OutcomeUnknownError extends Error {
  override name = 'OutcomeUnknownError';
}

/**
 * The platform could not take the request now and certainly did not act on it (a 503 before processing, a refused
 * connection): retried with backoff. Same handling as any other error, named so logs and tests can tell. (SDK 2)
 */
export class TransientError extends Error {
  override name = 'TransientError';
}

/** Options every helper takes: the underlying error, kept as `cause` for the logs. */
export interface FailureOptions {
  cause?: unknown;
}

/** The platform refused the moment, not the post: the core waits until `resetAt` (or its backoff) and sends again. */
export function rateLimited(message: string, resetAt?: Date, options?: FailureOptions): RateLimitedError {
  return withCause(new RateLimitedError(message, resetAt), options);
}

/** The credentials were refused or revoked: the channel waits for a person to reconnect it (after one refresh). */
export function needsReconnect(message: string, options?: FailureOptions): AuthenticationError {
  return withCause(new AuthenticationError(message), options);
}

/**
 * The platform refused the post itself; retrying cannot help. `platformCode` and `platformMessage` are the
 * platform's own words, shown to the person who must fix the post.
 */
export function refusedByPlatform(
  platformCode: string | number | undefined,
  platformMessage: string,
  options?: FailureOptions,
): PermanentError {
  const code = platformCode === undefined ? '' : ` (${platformCode})`;
  const error = withCause(new PermanentError(`refused by the platform${code}: ${platformMessage}`), options);
  error.platformCode = platformCode === undefined ? undefined : String(platformCode);
  return error;
}

/** The platform did not act on the request and may later: retried with backoff. */
export function transientFailure(message: string, options?: FailureOptions): TransientError {
  return withCause(new TransientError(message), options);
}

/** The request may have reached the platform (a timeout after sending, a 5xx on a create): looked up before any retry. */
export function outcomeUnknown(message: string, options?: FailureOptions): OutcomeUnknownError {
  return withCause(new OutcomeUnknownError(message), options);
}

function withCause<T extends Error>(error: T, options: FailureOptions | undefined): T {
  if (options?.cause !== undefined) {
    Object.defineProperty(error, 'cause', { value: options.cause, enumerable: false, writable: true });
  }
  return error;
}
