import {
  AuthenticationError,
  PermanentError,
  RateLimitedError,
  retryAtFromHeaders,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';

/** The body of an XRPC error: `{"error": "InvalidRequest", "message": "…"}`. */
export interface XrpcErrorBody {
  error?: string;
  message?: string;
}

/**
 * The request got no answer. A plain Error, so the core treats it as transient; `mayHaveArrived` tells a caller
 * whose request changes something (creating a record) that it must reconcile instead of simply retrying: false
 * only when the connection was never made.
 */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
  constructor(
    message: string,
    readonly mayHaveArrived: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An XRPC answer that is not 2xx, kept with its parsed body so callers can look at the error name. */
export class XrpcError extends Error {
  override name = 'XrpcError';
  constructor(
    readonly status: number,
    readonly error: string | undefined,
    readonly detail: string,
    readonly headers: Record<string, string>,
  ) {
    super(`${status} ${error ?? ''}${detail ? `: ${detail}` : ''}`.replace(/ +:/, ':'));
  }
}

export async function readXrpcError(response: PluginHttpResponse): Promise<XrpcError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body never came; the status says enough.
  }
  let body: XrpcErrorBody = {};
  try {
    body = JSON.parse(text) as XrpcErrorBody;
  } catch {
    // Not JSON: an HTML page from a proxy in front of the PDS.
  }
  const detail =
    typeof body.message === 'string'
      ? body.message
      : text
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 200);
  return new XrpcError(
    response.status,
    typeof body.error === 'string' ? body.error : undefined,
    detail,
    response.headers,
  );
}

/**
 * When a rate limit resets: the later of `ratelimit-reset` (epoch seconds, rounded DOWN by the PDS) and
 * Retry-After (seconds, rounded UP by the PDS), so neither rounding sends a retry too early. Unreadable headers
 * are ignored; the core validates what is left (a reset days away is not believed).
 */
export function rateLimitReset(headers: Record<string, string>, now: Date): Date | undefined {
  const reset = headers['ratelimit-reset']?.trim();
  const fromReset = reset && /^\d{1,12}$/.test(reset) ? new Date(Number(reset) * 1000) : undefined;
  const fromRetryAfter = retryAtFromHeaders(headers, now);
  if (fromReset && fromRetryAfter) {
    return fromReset > fromRetryAfter ? fromReset : fromRetryAfter;
  }
  return fromReset ?? fromRetryAfter;
}

const ACCOUNT_BLOCKED = new Set(['AccountTakedown', 'AccountDeactivated', 'AccountSuspended']);
const TOKEN_REFUSED = new Set(['AuthenticationRequired', 'InvalidToken', 'ExpiredToken', 'AuthMissing']);

/**
 * The SDK error for an XRPC failure. `what` names the action for people ("publishing a post"), `account` the
 * handle or DID and PDS host. 429 → RateLimitedError; refused credentials and blocked accounts →
 * AuthenticationError; 5xx and 408 → plain Error (transient); other 4xx → PermanentError.
 */
export function toSdkError(error: XrpcError, what: string, account: string, now: Date): Error {
  const { status } = error;
  if (status === 429) {
    const retryAt = rateLimitReset(error.headers, now);
    return new RateLimitedError(
      `Bluesky (${account}) rate limit reached while ${what}${retryAt ? `; it resets at ${retryAt.toISOString()}` : ''}`,
      retryAt,
    );
  }
  if (error.error && ACCOUNT_BLOCKED.has(error.error)) {
    return new AuthenticationError(
      `Bluesky (${account}) refused ${what}: the account is ${error.error.replace('Account', '').toLowerCase()} (${error.message}). Sign in at bsky.app to see why; the channel stays off until the account is back`,
    );
  }
  if (status === 401 || (error.error && TOKEN_REFUSED.has(error.error))) {
    return new AuthenticationError(
      `Bluesky (${account}) refused the app password while ${what} (${error.message}): check the identifier, and create a new app password at bsky.app → Settings → Privacy and security → App passwords`,
    );
  }
  if (status === 403) {
    return new AuthenticationError(
      `Bluesky (${account}) does not allow ${what} with this app password (${error.message}): it may lack a permission; create a new app password`,
    );
  }
  if (status === 408 || status >= 500) {
    return new Error(`Bluesky (${account}) answered ${error.message} while ${what}`);
  }
  return new PermanentError(`Bluesky (${account}) rejected ${what}: ${error.message}`);
}
