import type { ChannelBlock } from './rate-budget';

/** Never retry before the platform's reset plus this… */
export const RESET_MARGIN_MS = 1000;
/** …plus up to this much jitter, so several senders on one account do not come back in the same instant. */
export const RESET_JITTER_MS = 1000;
/** A reset further away than this is not believed: the channel waits this long and says so. */
export const MAX_RESET_WAIT_MS = 24 * 60 * 60_000;
/** Without a usable reset: the first wait, doubled while the platform keeps refusing, up to the ceiling. */
const FALLBACK_FIRST_MS = 5000;
const FALLBACK_CEILING_MS = 15 * 60_000;
/** A reset this far in the past is still the current one (platforms round it down to the whole second). */
const ROUNDING_SLACK_MS = 1000;

/**
 * Until when a channel that just got a 429 must send nothing. The platform's reset is validated, never
 * trusted: at least `now` + margin + jitter (a PDS rounds `RateLimit-Reset` down, so a retry at the reset's own
 * second is refused again), at most 24 h away; a missing, unreadable or stale reset falls back to a wait that
 * doubles while the channel keeps being refused (`previous`: its last block).
 */
export function rateLimitUntil(
  resetAt: Date | undefined,
  now: Date,
  previous: ChannelBlock | undefined,
  random: () => number = Math.random,
): { until: Date; note?: string } {
  const at = now.getTime();
  const jitter = Math.round(random() * RESET_JITTER_MS);
  const reset = resetAt?.getTime();
  if (reset !== undefined && Number.isFinite(reset)) {
    if (reset - at > MAX_RESET_WAIT_MS) {
      return {
        until: new Date(at + MAX_RESET_WAIT_MS + jitter),
        note: `the platform's reset ${resetAt!.toISOString()} is more than 24 h away; waiting 24 h instead`,
      };
    }
    if (reset >= at - ROUNDING_SLACK_MS) {
      return { until: new Date(Math.max(reset, at) + RESET_MARGIN_MS + jitter) };
    }
  }
  const recent = previous && previous.until > at - FALLBACK_CEILING_MS ? previous : undefined;
  const length = recent
    ? Math.min(FALLBACK_CEILING_MS, Math.max(FALLBACK_FIRST_MS, 2 * (recent.until - recent.since)))
    : FALLBACK_FIRST_MS;
  return {
    until: new Date(at + length + jitter),
    note: 'the platform gave no usable reset time',
  };
}
