import {
  neverSent,
  needsReconnect,
  outcomeUnknown,
  rateLimited,
  refusedByPlatform,
  retryAtFromHeaders,
  transientFailure,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';

/**
 * Graph's error body (https://developers.facebook.com/docs/graph-api/guides/error-handling):
 * `{"error": {"message", "type", "code", "error_subcode", "error_user_msg", "fbtrace_id"}}`.
 */
export interface GraphError {
  message: string;
  code?: number;
  subcode?: number;
  userMessage?: string;
}

/** Graph's throttling codes: 4 (app), 17 (user), 32 (page), 613 (calls within a time window). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
/** 190: token invalid, expired or revoked; 102: the session is gone. */
const TOKEN_CODES = new Set([102, 190]);
/** 10 and 200–299: a permission the token lacks (a scope not granted, or removed). */
const isPermissionCode = (code: number | undefined) =>
  code === 10 || (code !== undefined && code >= 200 && code < 300);
/** 1 (unknown) and 2 (service): Meta's own trouble, retried. */
const TRANSIENT_CODES = new Set([1, 2]);

/** When no reset is told, the core waits this long before asking again. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

export async function graphErrorOf(response: PluginHttpResponse): Promise<GraphError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: Record<string, unknown> };
    const error = body.error;
    if (error && typeof error.message === 'string') {
      return {
        message: error.message,
        code: typeof error.code === 'number' ? error.code : undefined,
        subcode: typeof error.error_subcode === 'number' ? error.error_subcode : undefined,
        userMessage: typeof error.error_user_msg === 'string' ? error.error_user_msg : undefined,
      };
    }
  } catch {
    // Not JSON: an error page from a proxy in front of Threads.
  }
  return { message: text.trim().slice(0, 200) || `HTTP ${response.status}` };
}

/** Never earlier than a second from now: a reset rounded down must not make the core ask too early. */
export function notBefore(
  resetAt: Date | undefined,
  now: Date,
  fallbackMs = DEFAULT_RATE_LIMIT_WAIT_MS,
): Date {
  const earliest = now.getTime() + 1_000;
  return new Date(Math.max(resetAt?.getTime() ?? now.getTime() + fallbackMs, earliest));
}

const codeOf = (error: GraphError) =>
  error.code === undefined ? '' : ` (code ${error.code}${error.subcode ? `/${error.subcode}` : ''})`;

/**
 * A non-2xx answer as the SDK's error. `what` names the action ("creating the post's container"); `creates`: the
 * request may have created something, so a server error is an unknown outcome the core looks up, not a retry.
 */
export async function failureOf(
  response: PluginHttpResponse,
  what: string,
  context: { now: Date; scope: string; creates: boolean },
): Promise<Error> {
  const error = await graphErrorOf(response);
  const words = `${error.message}${codeOf(error)}`;
  if (response.status === 429 || (error.code !== undefined && RATE_LIMIT_CODES.has(error.code))) {
    const resetAt = notBefore(retryAtFromHeaders(response.headers, context.now), context.now);
    return rateLimited(
      `Threads rate limit reached while ${what}: ${words}; it resets at ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (response.status === 401 || (error.code !== undefined && TOKEN_CODES.has(error.code))) {
    return needsReconnect(
      `Threads refused the access token while ${what}: ${words}. Reconnect the channel with \`metronome channels connect ${context.scope}\` (or replace its accessToken)`,
    );
  }
  if (response.status === 403 || isPermissionCode(error.code)) {
    return needsReconnect(
      `Threads refused a permission while ${what}: ${words}. Reconnect the channel with \`metronome channels connect ${context.scope}\` and grant threads_basic, threads_content_publish, threads_manage_replies, threads_read_replies and threads_manage_insights`,
    );
  }
  if (error.code !== undefined && TRANSIENT_CODES.has(error.code) && !context.creates) {
    return transientFailure(`Threads failed while ${what}: ${words}`);
  }
  if (response.status >= 400 && response.status < 500) {
    return refusedByPlatform(
      error.code ?? response.status,
      `${error.userMessage ?? error.message} (while ${what})`,
    );
  }
  if (context.creates && response.status !== 503) {
    return outcomeUnknown(`Threads failed (${response.status}) while ${what} and may have done it: ${words}`);
  }
  return transientFailure(`Threads is unavailable (${response.status}) while ${what}: ${words}`);
}

/** No answer: a create that may have arrived is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, what: string, creates: boolean): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return creates && !neverSent(error)
    ? outcomeUnknown(`Threads did not answer while ${what}, it may have done it: ${reason}`, { cause: error })
    : transientFailure(`Threads could not be reached while ${what}: ${reason}`, { cause: error });
}
