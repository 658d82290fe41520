/**
 * When a `finishing` variant (accepted by the platform, two-step publishing) is asked about again. Checks are not
 * attempts: a platform still processing a video is not failing. Without the connector's own `checkAfterMs`, the
 * wait is half the time since the platform accepted the post, between 5 s and 5 min: quick for a container that
 * is ready in seconds, one question per 5 min for a long video.
 */
export const MIN_CHECK_INTERVAL_MS = 5_000;
export const MAX_CHECK_INTERVAL_MS = 5 * 60_000;

/**
 * How long a variant may stay `finishing` before the publisher gives up and fails it for a person: a platform
 * that has not finished a post in a day (Instagram containers expire after 24 h) will not.
 */
export const MAX_FINISHING_MS = 24 * 60 * 60_000;

/** When to ask next: the connector's `checkAfterMs` if it gave one, else the backoff; never past the give-up time. */
export function nextCheckAt(acceptedAt: Date, now: Date, checkAfterMs?: number): Date {
  const elapsed = Math.max(0, now.getTime() - acceptedAt.getTime());
  const wait =
    checkAfterMs ?? Math.min(MAX_CHECK_INTERVAL_MS, Math.max(MIN_CHECK_INTERVAL_MS, Math.round(elapsed / 2)));
  return new Date(Math.min(now.getTime() + wait, giveUpAt(acceptedAt).getTime()));
}

/** When a variant accepted at `acceptedAt` is given up on if it is still finishing. */
export function giveUpAt(acceptedAt: Date): Date {
  return new Date(acceptedAt.getTime() + MAX_FINISHING_MS);
}
