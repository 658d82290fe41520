import {
  needsReconnect,
  neverSent,
  outcomeUnknown,
  rateLimited,
  refusedByPlatform,
  retryAtFromHeaders,
  transientFailure,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';

/**
 * The WordPress REST API's error body (https://developer.wordpress.org/rest-api/using-the-rest-api/global-parameters/
 * and WP_REST_Server::error_to_response): `{ code, message, data: { status, params?, details? } }`.
 */
export interface WordPressErrorBody {
  code?: string;
  message?: string;
  data?: { status?: number; params?: Record<string, string>; term_id?: number };
}

/** Without a Retry-After, a 429 (a host's or a security plugin's limiter) waits this long. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

export async function platformErrorOf(
  response: PluginHttpResponse,
): Promise<{ code?: string; message: string; body: WordPressErrorBody }> {
  const text = await response.text().catch(() => '');
  let body: WordPressErrorBody = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      body = parsed;
    }
  } catch {
    // Not JSON: a proxy's or PHP's error page.
  }
  const params = body.data?.params ? Object.values(body.data.params).join('; ') : '';
  const message = [body.message, params].filter(Boolean).join(' ');
  return {
    code: typeof body.code === 'string' ? body.code : undefined,
    message: message || text.trim().slice(0, 200) || `HTTP ${response.status}`,
    body,
  };
}

/** When a 429 ends: Retry-After (seconds are rounded down by servers, so one more second), else a minute. */
export function rateLimitResetOf(headers: Record<string, string>, now: Date): Date {
  const retryAfter = retryAtFromHeaders(headers, now);
  return retryAfter
    ? new Date(Math.max(retryAfter.getTime() + 1_000, now.getTime() + 1_000))
    : new Date(now.getTime() + DEFAULT_RATE_LIMIT_WAIT_MS);
}

/**
 * A non-2xx answer as the SDK's error. `creates`: the request creates something (a post, a comment, a file), so a
 * server error may have created it. `who` is the WordPress login, `what` the action, both for people.
 */
export async function failureOf(
  response: PluginHttpResponse,
  now: Date,
  creates: boolean,
  what: string,
  who: string,
): Promise<Error> {
  const { code, message } = await platformErrorOf(response);
  const status = response.status;
  const said = `${code ?? status}: ${message}`;
  if (status === 429) {
    const resetAt = rateLimitResetOf(response.headers, now);
    return rateLimited(
      `WordPress (or its host) limited the requests while ${what} (${said}); trying again at ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (status === 401 && code !== 'rest_cannot_create' && code !== 'rest_forbidden') {
    return needsReconnect(
      `WordPress refused the application password of "${who}" while ${what} (${said}): create a new one under Users → Profile → Application Passwords and update the channel's applicationPassword`,
    );
  }
  if (status === 401 || status === 403) {
    return needsReconnect(
      `WordPress refused "${who}" while ${what} (${said}): the user must be an Author or above (Editor to publish on others' behalf), and the application password must belong to that user and not be revoked`,
    );
  }
  if (status === 400 && code === 'rest_invalid_param') {
    return refusedByPlatform(code, `WordPress refused a parameter while ${what}: ${message}`);
  }
  if (status >= 400 && status < 500) {
    return refusedByPlatform(code ?? status, `${message} (while ${what})`);
  }
  if (creates && status !== 503) {
    return outcomeUnknown(`WordPress failed (${status}) while ${what} and may have done it: ${message}`);
  }
  return transientFailure(`WordPress is unavailable (${status}) while ${what}: ${message}`);
}

/** No answer: a create that may have arrived is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, creates: boolean, what: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return creates && !neverSent(error)
    ? outcomeUnknown(`WordPress did not answer while ${what}; it may have done it: ${reason}`, {
        cause: error,
      })
    : transientFailure(`WordPress could not be reached while ${what}: ${reason}`, { cause: error });
}
