import { Injectable } from '@nestjs/common';
import type { PostVariantEntity } from './post-variant.entity';
import { ChannelLimits } from './channel-limits';
import type { DueVariant } from './due-variant';
import { PostVariantRepository, type DispatchableVariant } from './post-variant.repository';
import { PublishFailureHandler } from './publish-failure.handler';
import { PublishTimings } from './publish-timings';
import { RateLimitWaits } from './rate-limit-waits';
import { VariantBatchClaim } from './variant-batch-claim';
import { VariantBatchRecord, type SentPublish } from './variant-batch-record';
import { FinishingChecks } from './finishing-checks.service';
import { VariantSender, type SendOutcome } from './variant-sender';
import { PUBLISHER_ACTOR, VariantSettler } from './variant-settler.service';
import { VariantStateService } from './variant-state.service';

/**
 * Publishes due channel variants exactly once. The database is the truth: a variant is claimed
 * (scheduled → publishing) before the connector is called, with a stable idempotency key, and an unknown
 * outcome is reconciled by looking the post up before anything is sent again. What the dispatches call: the
 * parts are the VariantSender (send), the VariantSettler (where a variant goes next), the PublishFailureHandler
 * (the retry decision) and the batched claim and record.
 */
@Injectable()
export class VariantPublisher {
  /** When this worker first looked for due variants (what a missed reason compares the due time with). */
  private workerSince?: Date;

  constructor(
    private readonly variants: PostVariantRepository,
    private readonly states: VariantStateService,
    private readonly timings: PublishTimings,
    private readonly limits: ChannelLimits,
    private readonly waits: RateLimitWaits,
    private readonly sender: VariantSender,
    private readonly settler: VariantSettler,
    private readonly failures: PublishFailureHandler,
    private readonly batchClaim: VariantBatchClaim,
    private readonly batchRecord: VariantBatchRecord,
    private readonly finishing: FinishingChecks,
  ) {}

  /** Variants whose time has come (due by `now`), oldest first. */
  due(now: Date, limit: number): Promise<DueVariant[]> {
    this.workerSince ??= now;
    return this.variants.due(now, limit);
  }

  byIds(variantIds: string[]): Promise<DueVariant[]> {
    return this.variants.byIds(variantIds);
  }

  /** Scheduled variants due by `until`, as the Bull dispatcher keys its jobs (at most `limit`). */
  dispatchable(until: Date, limit: number): Promise<DispatchableVariant[]> {
    return this.variants.dispatchable(until, limit);
  }

  /** Publishes one due variant; safe to call from several workers at once. Returns its final state. */
  async publish(item: DueVariant, now: Date): Promise<string> {
    const { variant } = item;
    this.workerSince ??= now;
    if (this.isMissed(variant, now)) {
      return this.settler.markMissed(item, now, this.workerSince);
    }
    const wait = await this.limits.budgetWait(item.channel, variant.id, now);
    if (wait > 0) {
      return this.waits.waitForBudget(item, now, wait);
    }
    if (!(await this.settler.claim(variant, now))) {
      return 'lost-race';
    }
    const sent = await this.sender.send(item, now);
    return 'result' in sent
      ? this.settler.recordPublished(variant, sent.result, now, {
          connector: item.channel.connector,
          call: 'publish',
        })
      : sent.state;
  }

  /**
   * Claims, ahead of time, variants due within a short lookahead, in one transaction (see VariantBatchClaim);
   * first-attempt variants already past the missed-grace window are marked missed instead. The caller holds
   * the claimed ones until due and hands each to `sendClaimed`; a crash meanwhile leaves them `publishing`,
   * which `reconcileStale` looks up and retries after `publishing.reclaimAfter`.
   */
  async claimAhead(items: DueVariant[], now: Date): Promise<DueVariant[]> {
    const fresh: DueVariant[] = [];
    this.workerSince ??= now;
    for (const item of items) {
      if (this.isMissed(item.variant, now)) {
        await this.settler.markMissed(item, now, this.workerSince);
      } else {
        fresh.push(item);
      }
    }
    if (fresh.length === 0) {
      return [];
    }
    const won = new Set(
      await this.batchClaim.claim(
        fresh.map((item) => item.variant),
        { actor: PUBLISHER_ACTOR, at: now },
      ),
    );
    return fresh.filter((item) => won.has(item.variant));
  }

  /**
   * Sends a variant this worker claimed (`claimAhead`), once it is due. A publish is returned for the caller
   * to record (in a batch, `recordPublishedMany`); every other outcome is settled here.
   */
  async sendClaimed(item: DueVariant, now: Date): Promise<SendOutcome> {
    // Held long enough that a reconcile elsewhere could take it for abandoned: renew the claim first.
    if (
      now.getTime() - item.variant.updatedAt.getTime() > this.reclaimAfterMs() / 3 &&
      !(await this.states.refreshClaim(item.variant, now))
    ) {
      return { state: 'lost-race' };
    }
    const wait = await this.limits.budgetWait(item.channel, item.variant.id, now);
    if (wait > 0) {
      return { state: await this.waits.waitForBudget(item, now, wait) };
    }
    return this.sender.send(item, now);
  }

  /**
   * Gives claims this worker holds but has not sent back (shutdown): due again at their own time for any worker,
   * with the attempt their claim counted given back. A claim renewed or reconciled elsewhere is left alone.
   */
  async releaseClaims(items: DueVariant[], now: Date): Promise<number> {
    let released = 0;
    for (const { variant } of items) {
      released += (await this.settler.release(variant, now)) ? 1 : 0;
    }
    return released;
  }

  /**
   * Records many publishes in one transaction: the same conditional moves, audit rows and events as one by one.
   * A publish whose remote id another post of the channel holds is failed instead (left `failed` in place).
   */
  async recordPublishedMany(sent: SentPublish[], now: Date): Promise<void> {
    if (sent.length === 0) {
      return;
    }
    await this.batchRecord.record(sent, { actor: PUBLISHER_ACTOR, at: now });
  }

  /**
   * Asks the platform about `finishing` variants whose check is due (two-step publishing; see FinishingChecks).
   * Returns how many were asked.
   */
  checkFinishing(now: Date, limit = 100): Promise<number> {
    return this.finishing.checkDue(now, limit);
  }

  /** How long a variant may stay `publishing` before it is taken for dead (config `publishing.reclaimAfter`). */
  reclaimAfterMs(): number {
    return this.timings.reclaimAfterMs();
  }

  /**
   * Variants left in `publishing` by a worker that died: the platform may or may not have the post, so
   * look it up; found → published, not found → due again (the idempotency key guards the retry).
   */
  async reconcileStale(now: Date, staleAfterMs = this.reclaimAfterMs()): Promise<number> {
    const stale = await this.variants.staleClaims(new Date(now.getTime() - staleAfterMs), 500);
    for (const { variant, channel } of stale) {
      // A channel waiting for the platform's reset is not asked anything: its claims are looked up after it.
      if (!(await this.waits.blocked(channel.id, now))) {
        await this.failures.reconcile(variant, channel, now, 'worker-stopped');
      }
    }
    return stale.length;
  }

  /** Only a first attempt can be missed: a retry or a wait for the rate budget continues a publication that started on time. */
  private isMissed(variant: PostVariantEntity, now: Date): boolean {
    return (
      variant.attempts === 0 &&
      variant.scheduledAt !== null &&
      now.getTime() - variant.scheduledAt.getTime() > this.timings.missedGraceMs()
    );
  }
}
