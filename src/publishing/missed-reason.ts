import { formatBrandTime } from '../notifications/brand-time.format';
import type { PostVariantEntity } from './post-variant.entity';

/** What the publisher knows when it marks a first-attempt variant `missed`. */
export interface MissedFacts {
  variant: Pick<PostVariantEntity, 'scheduledAt' | 'lastError' | 'updatedAt'>;
  /** "acme/instagram". */
  channel: string;
  /** The brand's IANA zone: every time in the reason is shown there, with its abbreviation. */
  zone: string;
  /** `publishing.missedGrace` as written ("15m"). */
  grace: string;
  /** The post's own publish time, when it differs from the variant's (a rate-budget wait moved the variant). */
  postPublishAt?: Date | null;
  /** When this worker first looked for due posts: a variant due before then was due while it was not running. */
  workerSince?: Date;
}

/** Markers of the waits the publisher writes into `lastError` (see VariantPublisher). */
const RECONNECT_WAIT = /^waits for \S+ to be reconnected/;
const WORKER_STOPPED = /^the worker stopped before the outcome was known/;
const RATE_LIMITED = /^\S+ rate limit on \S+: waits until/;

/**
 * Why a variant was missed, in words a person can act on: the cause the publisher can tell from the variant's
 * state (a wait for reconnect, a worker that stopped holding it, no worker running at its time, or no worker
 * reaching it in time), with times in the brand's zone. No attempt reached the platform in any of these cases:
 * only a first attempt can be missed.
 */
export function missedReason(facts: MissedFacts): string {
  const at = (time: Date) => formatBrandTime(time, facts.zone);
  const { variant } = facts;
  const due = variant.scheduledAt;
  const head = `was due ${due ? at(due) : 'at an unknown time'} and no attempt was made within the ${facts.grace} grace`;
  // Waits for the rate budget move the variant's time without a lastError, a platform's rate limit with one;
  // the other moves leave a lastError of their own.
  const limited = variant.lastError ? RATE_LIMITED.test(variant.lastError) : false;
  const moved =
    due &&
    (!variant.lastError || limited) &&
    facts.postPublishAt &&
    facts.postPublishAt.getTime() !== due.getTime()
      ? `; its time had moved from ${at(facts.postPublishAt)} while it waited for ${limited ? "the platform's rate limit" : "the channel's rate budget"}`
      : '';
  const fix = ': publish it again by editing its time';
  if (variant.lastError && RECONNECT_WAIT.test(variant.lastError)) {
    return `${head}: ${facts.channel} was waiting to be reconnected since ${at(variant.updatedAt)} (its credentials were refused)${fix}`;
  }
  if (variant.lastError && WORKER_STOPPED.test(variant.lastError)) {
    return `${head}: the worker that had claimed it stopped before sending it (found abandoned at ${at(variant.updatedAt)}), and no worker took it up again in time${fix}`;
  }
  if (due && facts.workerSince && due.getTime() < facts.workerSince.getTime()) {
    return `${head}: Metronome was not publishing then (this worker started at ${at(facts.workerSince)})${moved}${fix}`;
  }
  return `${head}: no worker claimed it in time (workers were stopped, or busy with earlier posts)${moved}${fix}`;
}
