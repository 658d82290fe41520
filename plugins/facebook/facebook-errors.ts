import {
  needsReconnect,
  outcomeUnknown,
  rateLimited,
  refusedByPlatform,
  retryAtFromHeaders,
  transientFailure,
} from '../../src/plugin-sdk';

/**
 * Graph API error bodies and what they mean for the core.
 * https://developers.facebook.com/docs/graph-api/guides/error-handling/ (codes, subcodes, fbtrace_id) and
 * https://developers.facebook.com/docs/graph-api/overview/rate-limiting/ (throttling codes and usage headers).
 */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/** 190: the access token expired, was revoked, or the password changed (subcodes 458–467). */
export const TOKEN_INVALID = 190;
/** 102: the session key is invalid or no longer valid (an older spelling of an expired session). */
const SESSION_INVALID = 102;
/** 10 and 200–299: the permission is missing (the person did not grant a scope, or app review is missing). */
const PERMISSION_CODES = (code: number) => code === 10 || (code >= 200 && code <= 299);
/**
 * Throttling: 4 (app), 17 (user), 32 (Page, with a user token), 613 (a call-specific limit), 80001 (Pages
 * Business Use Case limit with a Page token).
 */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80001]);
/** 1 (unknown error) and 2 (service temporarily unavailable): Graph's own trouble, retried. */
const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2]);
/** 506: "Duplicate status message": the Page's latest post has the same message. */
export const DUPLICATE_POST = 506;
/** 368: the action was blocked (policy, spam): a person must look at the Page. */
export const BLOCKED = 368;

/** How long to wait when Graph throttles without saying for how long (its usage windows are an hour). */
const DEFAULT_THROTTLE_MS = 60 * 60_000;

/** What Graph said, without the token (Graph never echoes it), ready for a person. */
export function describeGraphError(status: number, error: GraphErrorBody | undefined): string {
  if (!error) {
    return `HTTP ${status}`;
  }
  const code = [error.code, error.error_subcode].filter((part) => part !== undefined).join('/');
  const words = error.error_user_msg ?? error.message ?? 'no message';
  const trace = error.fbtrace_id ? `, fbtrace_id ${error.fbtrace_id}` : '';
  return `${words} (${error.type ?? 'error'} ${code || status}${trace})`;
}

/** The `error` object of a Graph error answer, if the body is one. */
export function graphErrorOf(body: unknown): GraphErrorBody | undefined {
  if (!body || typeof body !== 'object') {
    return undefined;
  }
  const error = (body as { error?: unknown }).error;
  return error && typeof error === 'object' ? error : undefined;
}

/**
 * The largest `estimated_time_to_regain_access` (minutes) in X-Business-Use-Case-Usage (per business id, a list
 * of use cases), X-Page-Usage and X-App-Usage, or undefined when none says.
 */
export function minutesToRegainAccess(headers: Record<string, string>): number | undefined {
  const minutes: number[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(collect);
    } else if (value && typeof value === 'object') {
      const estimate = (value as { estimated_time_to_regain_access?: unknown })
        .estimated_time_to_regain_access;
      if (typeof estimate === 'number' && Number.isFinite(estimate) && estimate >= 0) {
        minutes.push(estimate);
      }
      Object.values(value).forEach((inner) => {
        if (inner && typeof inner === 'object') {
          collect(inner);
        }
      });
    }
  };
  for (const name of ['x-business-use-case-usage', 'x-page-usage', 'x-app-usage']) {
    const raw = headers[name];
    if (!raw) {
      continue;
    }
    try {
      collect(JSON.parse(raw));
    } catch {
      // A header that is not JSON says nothing about the reset.
    }
  }
  return minutes.length > 0 ? Math.max(...minutes) : undefined;
}

/**
 * When throttling ends: the later of Retry-After and the usage headers' estimate (whole minutes, so possibly rounded
 * down: never earlier than now + 1 s), else an hour (Graph's usage windows).
 */
export function throttledUntil(headers: Record<string, string>, now: Date): Date {
  const candidates: number[] = [];
  const retryAt = retryAtFromHeaders(headers, now);
  if (retryAt) {
    candidates.push(retryAt.getTime());
  }
  const minutes = minutesToRegainAccess(headers);
  if (minutes !== undefined) {
    candidates.push(now.getTime() + minutes * 60_000);
  }
  const at = candidates.length > 0 ? Math.max(...candidates) : now.getTime() + DEFAULT_THROTTLE_MS;
  return new Date(Math.max(at, now.getTime() + 1_000));
}

export interface FailureContext {
  /** What the connector was doing, for people: "publishing a post to Page 123". */
  what: string;
  /** True for requests that create something (a post, a photo, a comment): an unknown outcome is looked up. */
  creates: boolean;
  /** `metronome channels connect <scope>`: the fix for a refused token. */
  reconnectHint: string;
  now: Date;
}

/** The SDK error for a Graph error answer (any non-2xx, or a 2xx with an `error` object). */
export function graphFailure(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  context: FailureContext,
): Error {
  const error = graphErrorOf(body);
  const code = error?.code;
  const said = describeGraphError(status, error);
  const where = `Facebook refused ${context.what}`;
  if (code === TOKEN_INVALID || code === SESSION_INVALID || (code === undefined && status === 401)) {
    return needsReconnect(
      `${where}: the Page access token is no longer valid (${said}): reconnect the channel with ${context.reconnectHint}`,
    );
  }
  if ((code !== undefined && PERMISSION_CODES(code)) || (code === undefined && status === 403)) {
    return needsReconnect(
      `${where}: a permission is missing (${said}): reconnect with ${context.reconnectHint} and grant every permission asked (pages_manage_posts, pages_read_engagement, pages_read_user_content, pages_manage_engagement, pages_show_list, read_insights); an app in Live mode needs them approved in App Review`,
    );
  }
  if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || status === 429) {
    const until = throttledUntil(headers, context.now);
    return rateLimited(
      `Facebook throttled ${context.what} (${said}); calls work again after ${until.toISOString()}`,
      until,
    );
  }
  if ((code !== undefined && TRANSIENT_CODES.has(code)) || status >= 500) {
    return context.creates && status !== 503
      ? outcomeUnknown(
          `Facebook failed while ${context.what} (${said}): the post may exist, it is looked up before any resend`,
        )
      : transientFailure(`Facebook failed while ${context.what} (${said}): tried again later`);
  }
  if (code === BLOCKED) {
    return refusedByPlatform(
      code,
      `${said}: Facebook blocked ${context.what}; check the Page's Support Inbox / Account Quality in Meta Business Suite before posting again`,
    );
  }
  return refusedByPlatform(code ?? status, `${said} while ${context.what}`);
}
