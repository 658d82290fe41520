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
import { nextPacificMidnight } from './youtube-quota';

/**
 * Google's error body (https://developers.google.com/youtube/v3/docs/errors):
 * `{ error: { code, message, status?, errors: [{ domain, reason, message }] } }`.
 */
export interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    errors?: Array<{ domain?: string; reason?: string; message?: string }>;
  };
}

export interface PlatformError {
  reason?: string;
  message: string;
}

/** What Google said: the first error's reason and the message, or the start of whatever came back. */
export async function platformErrorOf(response: PluginHttpResponse): Promise<PlatformError> {
  const text = await response.text().catch(() => '');
  let body: GoogleErrorBody = {};
  try {
    body = JSON.parse(text) as GoogleErrorBody;
  } catch {
    // Not JSON: a proxy's page.
  }
  const first = body.error?.errors?.[0];
  const reason = first?.reason ?? body.error?.status;
  const message =
    body.error?.message ?? first?.message ?? (text.trim().slice(0, 200) || `HTTP ${response.status}`);
  return { reason: typeof reason === 'string' ? reason : undefined, message };
}

/** Reasons that mean the project's daily quota is spent: wait for midnight Pacific Time. */
const DAILY_QUOTA = new Set(['quotaExceeded', 'dailyLimitExceeded']);
/** Short-term throttling: wait for Retry-After, or a minute. */
const THROTTLED = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
/** 403 reasons that refuse the request itself, not the credentials. */
const FORBIDDEN_REFUSALS = new Set([
  'commentsDisabled',
  'forbidden',
  'videoNotFound',
  'ineligibleAccount',
  'forbiddenPrivacySetting',
  'forbiddenLicenseSetting',
  'forbiddenEmbedSetting',
]);
/** 403 reasons that mean a person must act on the account (reconnect, or sign up for a channel). */
const ACCOUNT_PROBLEMS = new Set([
  'insufficientPermissions',
  'authError',
  'youtubeSignupRequired',
  'accountDelegationForbidden',
]);

export interface FailureContext {
  now: Date;
  /** The request creates something (the last upload chunk, a comment): a server error may have created it. */
  creates: boolean;
  what: string;
  /** 403 on this call refuses the request (e.g. thumbnails.set for an unverified channel), not the token. */
  forbiddenIsRefusal?: boolean;
}

/** A non-2xx answer as the SDK's error. */
export async function failureOf(response: PluginHttpResponse, context: FailureContext): Promise<Error> {
  const { reason, message } = await platformErrorOf(response);
  const { now, creates, what } = context;
  const status = response.status;
  const said = `${reason ?? status}: ${message}`;
  if (reason && DAILY_QUOTA.has(reason)) {
    const resetAt = nextPacificMidnight(now);
    return dailyQuota(
      `YouTube's daily quota is exhausted (${said}) while ${what}; it resets at midnight Pacific Time, ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (reason === 'uploadLimitExceeded') {
    const resetAt = new Date(now.getTime() + 24 * 3_600_000);
    return rateLimited(
      `the channel reached YouTube's upload limit for 24 hours (${said}) while ${what}; uploads resume by ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (status === 429 || (reason && THROTTLED.has(reason))) {
    const resetAt = retryAtFromHeaders(response.headers, now) ?? new Date(now.getTime() + 60_000);
    return rateLimited(
      `YouTube throttled the request (${said}) while ${what}; try again at ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (status === 401) {
    return needsReconnect(
      `Google refused the access token (${said}) while ${what}: reconnect the channel with \`metronome channels connect\``,
    );
  }
  if (status === 403) {
    if (
      context.forbiddenIsRefusal ||
      (reason && FORBIDDEN_REFUSALS.has(reason) && !ACCOUNT_PROBLEMS.has(reason))
    ) {
      return refusedByPlatform(reason ?? status, `${message} (while ${what})`);
    }
    return needsReconnect(
      `YouTube refused the permission (${said}) while ${what}: reconnect the channel with \`metronome channels connect\`, granting the scopes in plugins/youtube/README.md, with the Google account that owns the channel`,
    );
  }
  if (status >= 400 && status < 500) {
    return refusedByPlatform(reason ?? status, `${message} (while ${what})`);
  }
  if (creates && status !== 503) {
    return outcomeUnknown(`YouTube failed (${status}) while ${what} and may have done it: ${message}`);
  }
  return transientFailure(`YouTube is unavailable (${status}) while ${what}: ${message}`);
}

/** Errors that say the project's daily quota is spent (the quota ledger then counts the day as used up). */
const dailyQuotaErrors = new WeakSet<Error>();
function dailyQuota(message: string, resetAt: Date): Error {
  const error = rateLimited(message, resetAt);
  dailyQuotaErrors.add(error);
  return error;
}
export const isDailyQuotaError = (error: unknown): boolean =>
  error instanceof Error && dailyQuotaErrors.has(error);

/** No answer: a call that may have created something is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, creates: boolean, what: string): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return creates && !neverSent(error)
    ? outcomeUnknown(`YouTube did not answer while ${what}; it may have done it: ${reason}`, { cause: error })
    : transientFailure(`YouTube could not be reached while ${what}: ${reason}`, { cause: error });
}
