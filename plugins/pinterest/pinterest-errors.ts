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
 * Pinterest's error body (v5 OpenAPI `Pinterest.Lib.Error`): `{ code: integer, message: string }`. The code is
 * Pinterest's own number (e.g. 2 authentication failed, 8 rate limit), shown to people with the message.
 */
export interface PinterestErrorBody {
  code?: number;
  message?: string;
}

/** What Pinterest said: its code and message, or the start of whatever came (a proxy's error page). */
export async function platformErrorOf(
  response: PluginHttpResponse,
): Promise<{ code?: number; message: string }> {
  const text = await response.text().catch(() => '');
  let body: PinterestErrorBody = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      body = parsed;
    }
  } catch {
    // Not JSON.
  }
  const code = typeof body.code === 'number' ? body.code : undefined;
  const message =
    typeof body.message === 'string' && body.message !== ''
      ? body.message
      : text.trim().slice(0, 200) || `HTTP ${response.status}`;
  return { code, message };
}

/** A reset header as a time: seconds from now (small numbers), epoch seconds (large ones) or a date. */
function resetHeaderOf(value: string | undefined, now: Date): Date | undefined {
  const trimmed = value?.trim();
  if (!trimmed) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const number = Number(trimmed);
    return new Date(number >= 1_000_000_000 ? number * 1000 : now.getTime() + number * 1000);
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : new Date(date);
}

/**
 * When a 429 ends (https://developers.pinterest.com/docs/reference/rate-limits/): `Retry-After`, else
 * `X-RateLimit-Reset`; platforms round these down, so one second is added and the answer is never earlier than
 * now + 1 s. Without a header: a minute for standard access (its limits are per minute), the next midnight UTC in
 * the sandbox (trial access limits are per day).
 */
export function rateLimitResetOf(headers: Record<string, string>, now: Date, sandbox: boolean): Date {
  const told = retryAtFromHeaders(headers, now) ?? resetHeaderOf(headers['x-ratelimit-reset'], now);
  if (told) {
    return new Date(Math.max(Math.ceil(told.getTime() / 1000) * 1000 + 1_000, now.getTime() + 1_000));
  }
  if (sandbox) {
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    return midnight;
  }
  return new Date(now.getTime() + 60_000);
}

export interface FailureContext {
  /** The request creates a pin: a failure after sending may have created it (the core looks it up). */
  creates: boolean;
  /** The action, for people ("publishing a pin"). */
  what: string;
  now: Date;
  sandbox: boolean;
  /** A 404 on this call means the board (or section) is not there (Create Pin), not the endpoint. */
  boardNotFound?: string;
}

/** A non-2xx answer as the SDK's error. */
export async function failureOf(response: PluginHttpResponse, at: FailureContext): Promise<Error> {
  const { code, message } = await platformErrorOf(response);
  const status = response.status;
  const said = code === undefined ? message : `${code}: ${message}`;
  if (status === 429) {
    const resetAt = rateLimitResetOf(response.headers, at.now, at.sandbox);
    return rateLimited(
      `Pinterest's rate limit was reached while ${at.what} (${said}); it resets at ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (status === 401) {
    return needsReconnect(
      `Pinterest refused the access token while ${at.what} (${said}): reconnect the channel with \`metronome channels connect\``,
    );
  }
  if (status === 403) {
    return needsReconnect(
      `Pinterest refused the permission while ${at.what} (${said}): the token lacks a scope (boards:read, pins:read, pins:write, user_accounts:read) or the board is not the account's; reconnect the channel with \`metronome channels connect\`${at.sandbox ? '' : ' (an app with Trial access must write to the sandbox: set sandbox: true)'}`,
    );
  }
  if (status === 404 && at.boardNotFound) {
    return refusedByPlatform(
      code ?? status,
      `${message}: the board ${at.boardNotFound} (or its section) is not one of the account's boards${at.sandbox ? ' in the sandbox (sandbox boards are separate: create one there)' : ''}; set the option board (or extra.board) to a board id of the connected account`,
    );
  }
  if (status >= 400 && status < 500) {
    return refusedByPlatform(code ?? status, `${message} (while ${at.what})`);
  }
  if (at.creates && status !== 503) {
    return outcomeUnknown(`Pinterest failed (${status}) while ${at.what} and may have done it: ${said}`);
  }
  return transientFailure(`Pinterest is unavailable (${status}) while ${at.what}: ${said}`);
}

/** No answer: a create that may have arrived is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, creates: boolean, what: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return creates && !neverSent(error)
    ? outcomeUnknown(`Pinterest did not answer while ${what}; it may have done it: ${reason}`, {
        cause: error,
      })
    : transientFailure(`Pinterest could not be reached while ${what}: ${reason}`, { cause: error });
}
