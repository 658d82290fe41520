import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { parseDurationMs } from '../config/schema/primitives.schema';
import { PostStateService } from '../content/post-state.service';
import { TransactionalEvents } from '../events/transactional-events';
import { ChannelEntity } from '../persistence/entities/channel.entity';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { PostEntity } from '../persistence/entities/post.entity';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type MediaAttachment,
  type PublishResult,
} from '../plugin-sdk';
import { ChannelCredentials } from '../channels/channel-credentials';
import { ChannelRepository } from '../channels/channel.repository';
import { AuditRepository } from '../persistence/audit.repository';
import { TransactionContext } from '../persistence/transaction-context';
import { ChannelLimits } from './channel-limits';
import { CHANNEL_SLOTS, ChannelSlots, type ChannelSlotPool } from './channel-slots';
import { ConnectorInstances } from '../channels/connector-instances';
import { InProcessRateBudget, RATE_BUDGET, type RateBudget } from './rate-budget';
import { postSettlement } from './post-settlement';
import { missedReason } from './missed-reason';
import { publishFailureLine, type AfterFailure } from './publish-failure.log';
import { RateLimitWaits } from './rate-limit-waits';
import { postWaitsForReconnect } from './post-waits-for-reconnect';
import { claimVariants } from './variant-batch-claim';
import { recordPublishedVariants } from './variant-batch-record';
import { dueVariants, staleClaims, variantsByIds, type DueVariant } from './variant-queries';
import { backoffMs, MAX_PUBLISH_ATTEMPTS } from './retry-schedule';
import { VariantStateService } from './variant-state.service';

const ACTOR = 'publisher';

/**
 * Publishes due channel variants exactly once. The database is the truth: a variant is claimed
 * (scheduled → publishing) before the connector is called, with a stable idempotency key, and an unknown
 * outcome is reconciled by looking the post up before anything is sent again.
 */
@Injectable()
export class VariantPublisher {
  private readonly logger = new Logger('Publisher');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly connectors: ConnectorInstances,
    private readonly variants: VariantStateService,
    private readonly posts: PostStateService,
    private readonly events: TransactionalEvents,
    @Optional() @Inject(RATE_BUDGET) budget: RateBudget = new InProcessRateBudget(),
    @Optional() @Inject(CHANNEL_SLOTS) slots: ChannelSlotPool = new ChannelSlots(),
    @Optional() credentials?: ChannelCredentials,
  ) {
    this.limits = new ChannelLimits(config, budget, slots);
    this.waits = new RateLimitWaits(budget, this.limits, variants, events);
    this.credentials =
      credentials ??
      new ChannelCredentials(
        new ChannelRepository(new TransactionContext(dataSource)),
        new AuditRepository(dataSource),
        config,
      );
  }

  private readonly credentials: ChannelCredentials;

  private readonly limits: ChannelLimits;

  private readonly waits: RateLimitWaits;

  /** What the batched claims and records write through. */
  private get batchDeps() {
    return { audit: this.variants.audit, postStates: this.posts };
  }

  /** Variants whose time has come (due by `now`), oldest first. */
  due(now: Date, limit: number): Promise<DueVariant[]> {
    this.workerSince ??= now;
    return dueVariants(this.dataSource, now, limit);
  }

  byIds(variantIds: string[]): Promise<DueVariant[]> {
    return variantsByIds(this.dataSource, variantIds);
  }

  /** Publishes one due variant; safe to call from several workers at once. Returns its final state. */
  async publish(item: DueVariant, now: Date): Promise<string> {
    const { variant } = item;
    this.workerSince ??= now;
    if (this.isMissed(variant, now)) {
      return this.markMissed(item, now);
    }
    const wait = await this.limits.budgetWait(item.channel, variant.id, now);
    if (wait > 0) {
      return this.waits.waitForBudget(item, now, wait);
    }
    const claimed = await this.events.run(async (manager) => {
      if (
        !(await this.variants.move(
          manager,
          variant,
          'publishing',
          { attempts: variant.attempts + 1 },
          { actor: ACTOR, at: now },
        ))
      ) {
        return false;
      }
      const post = await manager.getRepository(PostEntity).findOneByOrFail({ id: variant.postId });
      if (post.state === 'scheduled') {
        await this.posts.transition(post, 'publishing', { actor: ACTOR, at: now });
      }
      return true;
    });
    if (!claimed) {
      return 'lost-race';
    }
    const sent = await this.send(item, now);
    return 'result' in sent ? this.recordPublished(variant, sent.result, now) : sent.state;
  }

  /**
   * Claims, ahead of time, variants due within a short lookahead, in one transaction (see claimVariants);
   * first-attempt variants already past the missed-grace window are marked missed instead. The caller holds
   * the claimed ones until due and hands each to `sendClaimed`; a crash meanwhile leaves them `publishing`,
   * which `reconcileStale` looks up and retries after `publishing.reclaimAfter`.
   */
  async claimAhead(items: DueVariant[], now: Date): Promise<DueVariant[]> {
    const fresh: DueVariant[] = [];
    this.workerSince ??= now;
    for (const item of items) {
      if (this.isMissed(item.variant, now)) {
        await this.markMissed(item, now);
      } else {
        fresh.push(item);
      }
    }
    if (fresh.length === 0) {
      return [];
    }
    const won = new Set(
      await this.events.run((manager) =>
        claimVariants(
          manager,
          fresh.map((item) => item.variant),
          { actor: ACTOR, at: now },
          this.batchDeps,
        ),
      ),
    );
    return fresh.filter((item) => won.has(item.variant));
  }

  /**
   * Sends a variant this worker claimed (`claimAhead`), once it is due. A publish is returned for the caller
   * to record (in a batch, `recordPublishedMany`); every other outcome is settled here.
   */
  async sendClaimed(
    item: DueVariant,
    now: Date,
  ): Promise<{ state: 'sent'; result: PublishResult } | { state: string }> {
    // Held long enough that a reconcile elsewhere could take it for abandoned: renew the claim first.
    if (
      now.getTime() - item.variant.updatedAt.getTime() > this.reclaimAfterMs() / 3 &&
      !(await this.variants.refreshClaim(this.dataSource.manager, item.variant, now))
    ) {
      return { state: 'lost-race' };
    }
    const wait = await this.limits.budgetWait(item.channel, item.variant.id, now);
    if (wait > 0) {
      return { state: await this.waits.waitForBudget(item, now, wait) };
    }
    return this.send(item, now);
  }

  /**
   * Gives claims this worker holds but has not sent back (shutdown): due again at their own time for any worker,
   * with the attempt their claim counted given back. A claim renewed or reconciled elsewhere is left alone.
   */
  async releaseClaims(items: DueVariant[], now: Date): Promise<number> {
    let released = 0;
    for (const { variant } of items) {
      const moved = await this.events.run((manager) =>
        this.variants.move(
          manager,
          variant,
          'scheduled',
          { attempts: Math.max(0, variant.attempts - 1) },
          { actor: ACTOR, at: now, reason: 'released unsent at shutdown', unchangedSince: variant.updatedAt },
        ),
      );
      released += moved ? 1 : 0;
    }
    return released;
  }

  /** Records many publishes in one transaction: the same conditional moves, audit rows and events as one by one. */
  async recordPublishedMany(
    sent: Array<{ variant: PostVariantEntity; result: PublishResult }>,
    now: Date,
  ): Promise<void> {
    if (sent.length === 0) {
      return;
    }
    await this.events.run((manager) =>
      recordPublishedVariants(manager, sent, { actor: ACTOR, at: now }, this.batchDeps),
    );
  }

  private async send(
    { variant, channel }: DueVariant,
    now: Date,
  ): Promise<{ state: 'sent'; result: PublishResult } | { state: string }> {
    // The credentials version of the instance that sends: a refusal counts only if nobody renewed them since.
    let credentialsVersion = channel.credentialsVersion;
    try {
      if (!(await this.credentials.usable(channel, now))) {
        return { state: await this.waitForReconnect({ variant, channel }, now) };
      }
      const instance = await this.connectors.get(channel.brandId, channel.key, channel.credentialsVersion);
      const { connector } = instance;
      credentialsVersion = instance.credentialsVersion;
      const publish = connector.publish?.bind(connector);
      if (!publish) {
        throw new PermanentError(`connector ${channel.connector} cannot publish`);
      }
      const waitingSince = Date.now();
      const result = await this.limits.inSlot(channel, async () => {
        // Waiting for a channel slot may have outlasted the claim: renew it right before the call, or
        // leave the variant to whoever reconciled it (sending then could duplicate the post).
        if (!(await this.keepClaim(variant, new Date(now.getTime() + Date.now() - waitingSince)))) {
          throw new ClaimLostError();
        }
        return publish({
          idempotencyKey: variant.idempotencyKey,
          text: variant.text,
          media: variant.media as unknown as MediaAttachment[],
          scheduledAt: variant.scheduledAt ?? now,
          extra: variant.extra,
        });
      });
      return { state: 'sent', result };
    } catch (error) {
      if (error instanceof ClaimLostError) {
        return { state: 'lost-race' };
      }
      return { state: await this.handleFailure(variant, channel, error, now, credentialsVersion) };
    }
  }

  /** Renews a claim older than a third of `reclaimAfter`; false when the claim is no longer this worker's. */
  private async keepClaim(variant: PostVariantEntity, at: Date): Promise<boolean> {
    if (at.getTime() - variant.updatedAt.getTime() <= this.reclaimAfterMs() / 3) {
      return true;
    }
    return this.variants.refreshClaim(this.dataSource.manager, variant, at);
  }

  /** Only a first attempt can be missed: a retry or a wait for the rate budget continues a publication that started on time. */
  private isMissed(variant: PostVariantEntity, now: Date): boolean {
    const grace = this.timings().missedGraceMs;
    return (
      variant.attempts === 0 &&
      variant.scheduledAt !== null &&
      now.getTime() - variant.scheduledAt.getTime() > grace
    );
  }

  /** When this worker first looked for due variants (what a missed reason compares the due time with). */
  private workerSince?: Date;

  private async markMissed({ variant, channel }: DueVariant, now: Date): Promise<'missed'> {
    const post = await this.dataSource.getRepository(PostEntity).findOneBy({ id: variant.postId });
    const reason = missedReason({
      variant,
      channel: `${channel.brandId}/${channel.key}`,
      zone: this.zoneOf(channel),
      grace: this.config.loaded.config.publishing.missedGrace,
      postPublishAt: post?.publishAt,
      workerSince: this.workerSince,
    });
    await this.finish(variant, 'missed', { lastError: reason }, now, reason);
    return 'missed';
  }

  /**
   * The channel's credentials were refused: the variant is not the problem, so it waits, scheduled at its
   * time with its attempt given back, until the channel is reconnected (the due queries skip the channel).
   * Its post waits `scheduled` too, with the reason (see postWaitsForReconnect), so its file can still be
   * edited or deleted like that of any scheduled post.
   */
  private async waitForReconnect(
    { variant, channel }: DueVariant,
    now: Date,
    refusal?: string,
  ): Promise<string> {
    const reason = `waits for ${channel.brandId}/${channel.key} to be reconnected: ${channel.connector} refused its credentials${refusal ? ` (${refusal})` : ''}; renew them, then run \`metronome channels reconnect ${channel.brandId}/${channel.key}\``;
    const moved = await this.events.run(async (manager) => {
      if (
        !(await this.variants.move(
          manager,
          variant,
          'scheduled',
          { attempts: Math.max(0, variant.attempts - 1), lastError: reason },
          { actor: ACTOR, at: now, reason },
        ))
      ) {
        return false;
      }
      await postWaitsForReconnect(
        manager,
        variant.postId,
        { postStates: this.posts },
        { actor: ACTOR, at: now, reason },
      );
      return true;
    });
    return moved ? 'waiting' : 'lost-race';
  }

  private async recordPublished(
    variant: PostVariantEntity,
    result: PublishResult,
    now: Date,
    reason?: string,
  ): Promise<'published'> {
    await this.finish(variant, 'published', this.publishedChanges(result, now), now, reason);
    return 'published';
  }

  private publishedChanges(result: PublishResult, now: Date): Parameters<VariantStateService['move']>[3] {
    return {
      remoteId: result.remoteId,
      remoteUrl: result.url ?? null,
      publishedAt: result.publishedAt ?? now,
      lastError: null,
    };
  }

  /** How long a variant may stay `publishing` before it is taken for dead (config `publishing.reclaimAfter`). */
  reclaimAfterMs(): number {
    return this.timings().reclaimAfterMs;
  }

  private timingsOf?: { source: object; missedGraceMs: number; reclaimAfterMs: number };

  /** The config's publishing durations, parsed once per loaded configuration (they are read on every send). */
  private timings(): { missedGraceMs: number; reclaimAfterMs: number } {
    const publishing = this.config.loaded.config.publishing;
    if (this.timingsOf?.source !== publishing) {
      this.timingsOf = {
        source: publishing,
        missedGraceMs: parseDurationMs(publishing.missedGrace) ?? 0,
        reclaimAfterMs: parseDurationMs(publishing.reclaimAfter) ?? 120_000,
      };
    }
    return this.timingsOf;
  }

  /**
   * Variants left in `publishing` by a worker that died: the platform may or may not have the post, so
   * look it up; found → published, not found → due again (the idempotency key guards the retry).
   */
  async reconcileStale(now: Date, staleAfterMs = this.reclaimAfterMs()): Promise<number> {
    const stale = await staleClaims(this.dataSource, new Date(now.getTime() - staleAfterMs), 500);
    for (const { variant, channel } of stale) {
      // A channel waiting for the platform's reset is not asked anything: its claims are looked up after it.
      if (!(await this.waits.blocked(channel.id, now))) {
        await this.reconcile(variant, channel, now, 'worker-stopped');
      }
    }
    return stale.length;
  }

  /**
   * `unknown-outcome`: the connector could not tell whether the platform took the post (a timeout after
   * sending). `worker-stopped`: a worker died holding the claim — mostly variants it had claimed ahead and never
   * sent. Either way the platform is asked first; found → published. Not found after a worker stopped is
   * due again at once and its claim is not counted as an attempt (the platform never saw it; counting it let
   * a burst of crashes use up the attempts a real platform error needs); not found after an unknown outcome
   * backs off as any failed attempt does.
   */
  private async reconcile(
    variant: PostVariantEntity,
    channel: ChannelEntity,
    now: Date,
    cause: 'unknown-outcome' | 'worker-stopped',
  ): Promise<string> {
    const { connector } = await this.connectors.get(channel.brandId, channel.key, channel.credentialsVersion);
    let found: PublishResult | undefined;
    try {
      found = connector.lookup ? await connector.lookup(variant.idempotencyKey) : undefined;
    } catch (error) {
      if (!(error instanceof RateLimitedError)) {
        throw error;
      }
      // The lookup met the platform's rate limit: the claim stays as it is (outcome still unknown) and the whole
      // channel waits, so no worker asks again, sign-ins included, before the reset; then it is looked up again.
      await this.waits.blockChannel(channel, error, now);
      return 'waiting';
    }
    if (found) {
      return this.recordPublished(variant, found, now, 'found on the platform after an unknown outcome');
    }
    if (!connector.lookup) {
      // Without a lookup a retry could duplicate: stop and ask a person.
      const reason = `the outcome of publishing is unknown and ${channel.connector} cannot look posts up: check the channel, then reschedule`;
      // After a failed attempt, handleFailure logs the one line.
      await this.finish(variant, 'failed', { lastError: reason }, now, reason, cause === 'worker-stopped');
      return 'failed';
    }
    if (cause === 'worker-stopped') {
      // The platform never saw it: not an attempt. Due again at once, with the attempt its claim counted given
      // back (its time moves to now, which also gives it a new Bull job).
      return this.retryLater(
        variant,
        now,
        'the worker stopped before the outcome was known; not found on the platform: publishing again',
        0,
        variant.updatedAt,
        Math.max(0, variant.attempts - 1),
      );
    }
    return this.retryLater(
      variant,
      now,
      'outcome unknown, not found on the platform: retrying',
      backoffMs(variant.attempts),
      // Only if the claim is still as stale as it looked: a live worker that renewed it meanwhile sends it.
      variant.updatedAt,
    );
  }

  /** The brand's time zone, for times in reasons and log lines. */
  private zoneOf(channel: ChannelEntity): string {
    return this.config.loaded.config.brands[channel.brandId]?.timezone ?? 'UTC';
  }

  /** Settles a failed attempt, then logs it: one structured line per failed attempt (none once reconciled as published). */
  private async handleFailure(
    variant: PostVariantEntity,
    channel: ChannelEntity,
    error: unknown,
    now: Date,
    credentialsVersion = channel.credentialsVersion,
  ): Promise<string> {
    const attempt = variant.attempts;
    const outcome = await this.settleFailure(variant, channel, error, now, credentialsVersion);
    // A 429 is a wait of the whole channel, logged once per block (RateLimitWaits), not an attempt.
    if (outcome !== 'published' && outcome !== 'lost-race' && !(error instanceof RateLimitedError)) {
      const after: AfterFailure =
        variant.state === 'failed'
          ? 'gave up'
          : error instanceof AuthenticationError && outcome === 'waiting'
            ? 'waits for reconnect'
            : { retryAt: variant.scheduledAt ?? now };
      this.logger.warn(
        publishFailureLine({
          postId: variant.postId,
          variantId: variant.id,
          brand: channel.brandId,
          channel: channel.key,
          connector: channel.connector,
          zone: this.zoneOf(channel),
          attempt,
          error,
          after,
        }),
      );
    }
    return outcome;
  }

  private async settleFailure(
    variant: PostVariantEntity,
    channel: ChannelEntity,
    error: unknown,
    now: Date,
    credentialsVersion: number,
  ): Promise<string> {
    const message = (error as Error).message ?? String(error);
    if (error instanceof OutcomeUnknownError) {
      return this.reconcile(variant, channel, now, 'unknown-outcome');
    }
    if (error instanceof AuthenticationError) {
      if (!(await this.credentials.refused(channel, message, now, credentialsVersion))) {
        // Refused with the credentials a reconnect has replaced since: not an attempt, due again at once.
        return this.retryLater(
          variant,
          now,
          `${message}, with credentials renewed since: sending again with the new ones`,
          0,
          undefined,
          Math.max(0, variant.attempts - 1),
        );
      }
      return this.waitForReconnect({ variant, channel }, now, message);
    }
    if (error instanceof PermanentError) {
      await this.finish(variant, 'failed', { lastError: message }, now, message, false);
      return 'failed';
    }
    if (error instanceof RateLimitedError) {
      // The platform did not refuse the post, only the moment: a wait, never counted as an attempt.
      return this.waits.rateLimited({ variant, channel }, error, now);
    }
    if (variant.attempts >= MAX_PUBLISH_ATTEMPTS) {
      const reason = `gave up after ${variant.attempts} attempts: ${message}`;
      await this.finish(variant, 'failed', { lastError: reason }, now, reason, false);
      return 'failed';
    }
    return this.retryLater(variant, now, message, backoffMs(variant.attempts));
  }

  private async retryLater(
    variant: PostVariantEntity,
    now: Date,
    message: string,
    waitMs: number,
    unchangedSince?: Date,
    attempts = variant.attempts,
  ): Promise<string> {
    const retryAt = new Date(now.getTime() + waitMs);
    await this.events.run((manager) =>
      this.variants.move(
        manager,
        variant,
        'scheduled',
        {
          scheduledAt: retryAt,
          attempts,
          lastError: `${message} (attempt ${variant.attempts}; next ${retryAt.toISOString()})`,
        },
        { actor: ACTOR, at: now, reason: message, unchangedSince },
      ),
    );
    return 'retry';
  }

  /** Ends a variant and, when it was the post's last one, settles the post: published, or failed with why. */
  private async finish(
    variant: PostVariantEntity,
    to: 'published' | 'failed' | 'missed',
    changes: Parameters<VariantStateService['move']>[3],
    now: Date,
    reason?: string,
    log = true,
  ): Promise<void> {
    await this.events.run((manager) => this.settle(manager, variant, to, changes, now, reason));
    if (to !== 'published' && log) {
      this.logger.warn(`variant ${variant.id} ${to}: ${reason ?? ''}`);
    }
  }

  private async settle(
    manager: EntityManager,
    variant: PostVariantEntity,
    to: 'published' | 'failed' | 'missed',
    changes: Parameters<VariantStateService['move']>[3],
    now: Date,
    reason?: string,
  ): Promise<void> {
    if (!(await this.variants.move(manager, variant, to, changes, { actor: ACTOR, at: now, reason }))) {
      return;
    }
    const all = await manager.getRepository(PostVariantEntity).findBy({ postId: variant.postId });
    const post = await manager.getRepository(PostEntity).findOneByOrFail({ id: variant.postId });
    for (const step of postSettlement(post.state, all, reason)) {
      if (!(await this.posts.transition(post, step.to, { actor: ACTOR, at: now, reason: step.reason }))) {
        return;
      }
    }
  }
}

/** The claim on a variant passed to another worker while this one waited: it must not send. */
class ClaimLostError extends Error {}
