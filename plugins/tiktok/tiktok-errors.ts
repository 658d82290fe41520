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
import { TIKTOK_AUDIT_URL } from './tiktok-version';

/**
 * TikTok's error object (https://developers.tiktok.com/doc/tiktok-api-v2-error-handling): every answer carries
 * `{"error": {"code", "message", "log_id"}}`, `code` "ok" on success.
 */
export interface TikTokError {
  code: string;
  message: string;
  logId?: string;
}

/** TikTok's window for its per-minute limits: without a reset header, the core waits this long. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
/** spam_risk_too_many_posts: the creator's daily cap (TikTok does not say when it frees up). */
const DAILY_CAP_WAIT_MS = 3_600_000;

export function unauditedMessage(): string {
  return `TikTok restricts unaudited apps to private posts: set extra.privacy: SELF_ONLY or get the app audited (${TIKTOK_AUDIT_URL}); until then the TikTok account itself must also be private (TikTok app → Settings and privacy → Privacy → Private account)`;
}

/** Codes that refuse the post itself, with what a person can do about it. */
const REFUSALS: Record<string, string> = {
  unaudited_client_can_only_post_to_private_accounts: unauditedMessage(),
  privacy_level_option_mismatch:
    'the privacy level is not one this creator may use (creator_info’s privacy_level_options): pick another extra.privacy',
  url_ownership_unverified:
    'TikTok only pulls media from verified domains: verify the domain of organisation.publicUrl in the app’s settings (Content Posting API → URL properties), or set option source: FILE_UPLOAD',
  spam_risk_user_banned_from_posting:
    'TikTok has banned this account from posting: the creator must resolve it in the TikTok app',
  reached_active_user_cap:
    'the app has reached its daily cap of active posting users (unaudited apps: 5 users per 24 hours): wait, or get the app audited',
  spam_risk_too_many_pending_share:
    'the account has too many posts awaiting processing or review: wait until TikTok has finished them',
  duration_check_failed:
    'the video is longer than this creator may post (creator_info’s max_video_post_duration_sec): trim it',
  file_format_check_failed: 'TikTok refused the file’s format: upload an MP4 (H.264), WebM or MOV video',
  frame_rate_check_failed: 'TikTok refused the frame rate: use a video of 23 to 60 frames per second',
  picture_size_check_failed:
    'TikTok refused the picture size: the video must be at least 360 px and at most 4096 px on each side',
  video_pull_failed:
    'TikTok could not fetch the video from its URL: check organisation.publicUrl is reachable from the internet',
  photo_pull_failed:
    'TikTok could not fetch the photo from its URL: check organisation.publicUrl is reachable from the internet',
};

export async function tiktokErrorOf(response: PluginHttpResponse): Promise<TikTokError> {
  const text = await response.text().catch(() => '');
  return tiktokErrorFromText(text, response.status);
}

export function tiktokErrorFromText(text: string, status: number): TikTokError {
  try {
    const body = JSON.parse(text) as { error?: Record<string, unknown> };
    const error = body.error;
    if (error && typeof error.code === 'string') {
      return {
        code: error.code,
        message: typeof error.message === 'string' ? error.message : '',
        logId: typeof error.log_id === 'string' ? error.log_id : undefined,
      };
    }
  } catch {
    // Not JSON: a gateway's page in front of TikTok.
  }
  return { code: `http_${status}`, message: text.trim().slice(0, 200) || `HTTP ${status}` };
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

/** A reset header when TikTok (or a proxy) sends one: Retry-After, else X-RateLimit-Reset in epoch seconds. */
function resetOf(headers: Record<string, string>, now: Date): Date | undefined {
  const retryAfter = retryAtFromHeaders(headers, now);
  if (retryAfter) {
    return retryAfter;
  }
  const reset = Number(headers['x-ratelimit-reset']);
  // Epoch seconds, rounded down by the sender: the next whole second is the earliest safe one.
  return Number.isFinite(reset) && reset > 1e9 ? new Date((Math.floor(reset) + 1) * 1000) : undefined;
}

const words = (error: TikTokError) =>
  `${error.code}${error.message ? `: ${error.message}` : ''}${error.logId ? ` (log_id ${error.logId})` : ''}`;

/**
 * A failed answer as the SDK's error. TikTok sends most refusals as 400/403 with a code; the code decides before
 * the status (a 403 `unaudited_client_…` is the post's problem, not the token's). `creates`: the request may have
 * started a post, so a server error is an unknown outcome the core looks up rather than a plain retry.
 */
export function failureOf(
  status: number,
  headers: Record<string, string>,
  error: TikTokError,
  what: string,
  context: { now: Date; scope: string; creates: boolean },
): Error {
  const said = words(error);
  if (status === 429 || error.code === 'rate_limit_exceeded') {
    const resetAt = notBefore(resetOf(headers, context.now), context.now);
    return rateLimited(
      `TikTok rate limit reached while ${what} (${said}); asking again at ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  if (error.code === 'spam_risk_too_many_posts') {
    const resetAt = notBefore(undefined, context.now, DAILY_CAP_WAIT_MS);
    return rateLimited(
      `TikTok says this creator cannot post more right now (${said}): its daily posting cap is reached; trying again at ${resetAt.toISOString()}`,
      resetAt,
    );
  }
  const refusal = REFUSALS[error.code];
  if (refusal) {
    return refusedByPlatform(error.code, `${refusal} (TikTok: ${said}, while ${what})`);
  }
  if (
    status === 401 ||
    error.code === 'access_token_invalid' ||
    error.code === 'scope_not_authorized' ||
    error.code === 'scope_permission_missed'
  ) {
    const scopes = error.code.startsWith('scope')
      ? ' and grant every permission the consent page asks for (user.info.basic, user.info.stats, video.publish, video.list)'
      : '';
    return needsReconnect(
      `TikTok refused the access token while ${what} (${said}). Reconnect the channel with \`metronome channels connect ${context.scope}\`${scopes}`,
    );
  }
  if (status === 403) {
    return needsReconnect(
      `TikTok refused a permission while ${what} (${said}). Reconnect the channel with \`metronome channels connect ${context.scope}\` and grant video.publish (the app needs the Content Posting API product with Direct Post enabled)`,
    );
  }
  if (status >= 400 && status < 500) {
    return refusedByPlatform(error.code, `TikTok refused the request while ${what}: ${said}`);
  }
  if (context.creates && status !== 503) {
    return outcomeUnknown(`TikTok failed (${status}) while ${what} and may have done it: ${said}`);
  }
  return transientFailure(`TikTok is unavailable (${status}) while ${what}: ${said}`);
}

export async function failureOfResponse(
  response: PluginHttpResponse,
  what: string,
  context: { now: Date; scope: string; creates: boolean },
): Promise<Error> {
  return failureOf(response.status, response.headers, await tiktokErrorOf(response), what, context);
}

/** No answer: a request that may have started a post is an unknown outcome, anything else transient. */
export function unanswered(error: unknown, what: string, creates: boolean): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return creates && !neverSent(error)
    ? outcomeUnknown(`TikTok did not answer while ${what}, it may have done it: ${reason}`, { cause: error })
    : transientFailure(`TikTok could not be reached while ${what}: ${reason}`, { cause: error });
}
