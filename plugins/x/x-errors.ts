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
 * What X says when it refuses: a problem (RFC 7807-like: `{ title, detail, type, status, reason? }`,
 * https://docs.x.com/x-api/fundamentals/response-codes-and-errors) or the older `{ errors: [{ message, code }] }`.
 */
export interface XProblem {
  title?: string;
  detail?: string;
  type?: string;
  status?: number;
  reason?: string;
  errors?: Array<{ message?: string; code?: number; title?: string; detail?: string; type?: string }>;
}

export interface XFailure {
  /** The most specific code X gave: `reason`, the problem type's last segment, or a numeric error code. */
  code?: string;
  message: string;
  body: XProblem;
}

/** What X said, as words and a code, or the start of whatever it sent (a proxy's error page). */
export function problemOf(status: number, text: string): XFailure {
  let body: XProblem = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      body = parsed;
    }
  } catch {
    // Not JSON.
  }
  const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
  const type = body.type ?? first?.type;
  const code =
    body.reason ??
    (type && type !== 'about:blank' ? type.split('/').pop() : undefined) ??
    (first?.code === undefined ? undefined : String(first.code));
  const words = [body.title ?? first?.title, body.detail ?? first?.detail ?? first?.message]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .filter((part, index, all) => all.indexOf(part) === index);
  return {
    code,
    message: words.join(': ') || text.trim().slice(0, 200) || `HTTP ${status}`,
    body,
  };
}

/** The platform code the connector gives X's 403 "duplicate content": it then looks for its own lost post. */
export const DUPLICATE_CONTENT = 'duplicate-content';

/** X's refusal of a text it already holds from this account ("You are not allowed to create a Tweet with duplicate content."). */
export function isDuplicateContent(failure: XFailure): boolean {
  return /duplicate content/i.test(failure.message);
}

const epochSeconds = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d+$/.test(value.trim())) {
    return undefined;
  }
  return Number(value.trim());
};

/**
 * When a limit ends. X's reset headers are epoch seconds ROUNDED DOWN (https://docs.x.com/x-api/fundamentals/rate-limits):
 * the window may end up to a second later, so the answer is the second after the reset, never before it. Of the
 * 15-minute window (`x-rate-limit-*`) and the 24-hour user and app caps (`x-user-limit-24hour-*`,
 * `x-app-limit-24hour-*`), the latest exhausted one wins; no header: Retry-After, else 15 minutes.
 */
export function resetOf(headers: Record<string, string>, now: Date): Date {
  const resets: number[] = [];
  for (const prefix of ['x-rate-limit', 'x-user-limit-24hour', 'x-app-limit-24hour']) {
    const reset = epochSeconds(headers[`${prefix}-reset`]);
    const remaining = headers[`${prefix}-remaining`];
    if (reset !== undefined && (remaining === undefined || remaining.trim() === '0')) {
      resets.push((reset + 1) * 1000);
    }
  }
  if (resets.length === 0) {
    const reset = epochSeconds(headers['x-rate-limit-reset']);
    if (reset !== undefined) {
      resets.push((reset + 1) * 1000);
    }
  }
  const retryAfter = retryAtFromHeaders(headers, now);
  if (retryAfter) {
    resets.push(retryAfter.getTime());
  }
  const latest = resets.length > 0 ? Math.max(...resets) : now.getTime() + 15 * 60_000;
  return new Date(Math.max(latest, now.getTime() + 1_000));
}

/**
 * A non-2xx answer as the SDK's error. `creates`: the request creates something (a post), so a server error may have
 * created it: an unknown outcome the core looks up before any resend. `what` names the action for people.
 */
export function failureOf(
  status: number,
  headers: Record<string, string>,
  failure: XFailure,
  now: Date,
  creates: boolean,
  what: string,
): Error {
  const { code, message } = failure;
  if (status === 429) {
    const resetAt = resetOf(headers, now);
    const capped = code === 'usage-capped' || /usage cap/i.test(message);
    return rateLimited(
      capped
        ? `X's monthly post cap of this app's plan is used up while ${what} (${message}); it resets at ${resetAt.toISOString()} — see developer.x.com for plans`
        : `X's rate limit was reached while ${what} (${message}); it resets at ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (status === 401) {
    return needsReconnect(
      `X refused the access token while ${what} (${code ?? status}: ${message}): reconnect the channel with \`metronome channels connect\``,
    );
  }
  if (status === 403) {
    if (code === 'client-not-enrolled' || code === 'client-forbidden') {
      return needsReconnect(
        `X refused the app while ${what} (${code}: ${message}): attach the app to a Project in the developer portal (developer.x.com) with access to API v2, then reconnect the channel`,
      );
    }
    if (isDuplicateContent(failure)) {
      return refusedByPlatform(DUPLICATE_CONTENT, `${message} (while ${what})`);
    }
    if (/not (permitted|allowed) to reply|reply to this/i.test(message)) {
      return refusedByPlatform(code ?? status, `${message} (while ${what})`);
    }
    return needsReconnect(
      `X refused the permission while ${what} (${code ?? status}: ${message}): the token lacks a scope (tweet.read tweet.write users.read offline.access media.write) or the account is locked; reconnect the channel with \`metronome channels connect\``,
    );
  }
  if (status >= 400 && status < 500) {
    return refusedByPlatform(code ?? status, `${message} (while ${what})`);
  }
  if (creates && status !== 503) {
    return outcomeUnknown(`X failed (${status}) while ${what} and may have done it: ${message}`);
  }
  return transientFailure(`X is unavailable (${status}) while ${what}: ${message}`);
}

/** No answer: a create that may have arrived is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, creates: boolean, what: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return creates && !neverSent(error)
    ? outcomeUnknown(`X did not answer while ${what}; it may have done it: ${reason}`, { cause: error })
    : transientFailure(`X could not be reached while ${what}: ${reason}`, { cause: error });
}

/** The response's status and headers with its text read (a body that cannot be read counts as none). */
export async function readFailure(response: PluginHttpResponse): Promise<XFailure> {
  return problemOf(response.status, await response.text().catch(() => ''));
}
