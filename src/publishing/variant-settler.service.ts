import { Injectable, Logger } from '@nestjs/common';
import { formatDurationMs } from '../config/schema/primitives.schema';
import { ConfigService } from '../config/config.service';
import { PostStateService } from '../content/post-state.service';
import { TransactionalEvents } from '../events/transactional-events';
import type { ChannelEntity } from '../channels/channel.entity';
import type { PostVariantEntity } from './post-variant.entity';
import type { PublishAccepted, PublishResult } from '../plugin-sdk';
import type { DueVariant } from './due-variant';
import { missedReason } from './missed-reason';
import { nextCheckAt } from './finishing-schedule';
import { postSettlement } from './post-settlement';
import { heldRemoteIdReason } from './remote-id-conflicts';
import { PostVariantRepository, type VariantChanges } from './post-variant.repository';
import { VariantStateService } from './variant-state.service';

export const PUBLISHER_ACTOR = 'publisher';

/** Which connector gave an answer, and to which call: what a refusal of the answer names. */
export interface AnswerSource {
  connector: string;
  call: 'publish' | 'lookup' | 'status';
}

/**
 * Where a variant goes after an attempt, one transaction each: claimed, published, failed or missed (and its
 * post settled when it was the last), scheduled again for a retry, released, or waiting for a reconnect.
 */
@Injectable()
export class VariantSettler {
  private readonly logger = new Logger('Publisher');

  constructor(
    private readonly config: ConfigService,
    private readonly events: TransactionalEvents,
    private readonly states: VariantStateService,
    private readonly variants: PostVariantRepository,
    private readonly posts: PostStateService,
  ) {}

  /** scheduled → publishing, with an attempt counted, and its post with it if it was still scheduled. */
  claim(variant: PostVariantEntity, now: Date): Promise<boolean> {
    return this.events.run(async () => {
      if (
        !(await this.states.move(
          variant,
          'publishing',
          { attempts: variant.attempts + 1 },
          { actor: PUBLISHER_ACTOR, at: now },
        ))
      ) {
        return false;
      }
      const post = await this.variants.post(variant.postId);
      if (post.state === 'scheduled') {
        await this.posts.transition(post, 'publishing', { actor: PUBLISHER_ACTOR, at: now });
      }
      return true;
    });
  }

  /** A claim held but not sent goes back (shutdown), with its attempt given back; unless renewed or reconciled elsewhere. */
  release(variant: PostVariantEntity, now: Date): Promise<boolean> {
    return this.events.run(() =>
      this.states.move(
        variant,
        'scheduled',
        { attempts: Math.max(0, variant.attempts - 1) },
        {
          actor: PUBLISHER_ACTOR,
          at: now,
          reason: 'released unsent at shutdown',
          unchangedSince: variant.updatedAt,
        },
      ),
    );
  }

  /**
   * publishing (or finishing) → published with the platform's answer; failed instead when another post of the
   * channel already holds its remote id (a connector ignoring the idempotency key: see remoteIdConflicts).
   */
  recordPublished(
    variant: PostVariantEntity,
    result: PublishResult,
    now: Date,
    source: AnswerSource,
    reason?: string,
  ): Promise<'published' | 'failed'> {
    return this.events.run(async () => {
      const holder = await this.variants.holderOfRemoteId(variant.channelId, result.remoteId, variant.id);
      if (holder) {
        const refusal = heldRemoteIdReason(source.connector, source.call, result.remoteId, holder.postId);
        await this.finish(variant, 'failed', { lastError: refusal }, now, refusal);
        return 'failed';
      }
      const changes = {
        remoteId: result.remoteId,
        remoteUrl: result.url ?? null,
        publishedAt: result.publishedAt ?? now,
        lastError: null,
      };
      await this.finish(variant, 'published', changes, now, reason);
      return 'published';
    });
  }

  /**
   * publishing → finishing: the platform accepted the post and finishes it (two-step publishing). The handle and
   * the first check time are written with the move and its audit row; from here the variant is asked about
   * (`status(handle)`), never sent again. 'lost-race' when another worker settled it first.
   */
  async recordAccepted(
    variant: PostVariantEntity,
    accepted: PublishAccepted,
    now: Date,
    source: AnswerSource,
  ): Promise<'finishing' | 'lost-race'> {
    const how =
      source.call === 'lookup' ? 'found accepted on the platform after an unknown outcome' : 'accepted';
    const moved = await this.events.run(() =>
      this.states.move(
        variant,
        'finishing',
        {
          remoteHandle: accepted.handle,
          acceptedAt: now,
          nextCheckAt: nextCheckAt(now, now, accepted.checkAfterMs),
          lastError: null,
        },
        { actor: PUBLISHER_ACTOR, at: now, reason: `${how} by ${source.connector}, finishing` },
      ),
    );
    return moved ? 'finishing' : 'lost-race';
  }

  /**
   * A claimed variant that already holds a handle (rescheduled after the publisher gave up on it finishing) is
   * asked about again, never published again: publishing → finishing, due for a check now.
   */
  async resumeFinishing(variant: PostVariantEntity, now: Date): Promise<'finishing' | 'lost-race'> {
    const reason = `holds the handle ${JSON.stringify(variant.remoteHandle)} of an earlier accept: asking the platform where it stands, never publishing it again`;
    const moved = await this.events.run(() =>
      this.states.move(
        variant,
        'finishing',
        { acceptedAt: now, nextCheckAt: now, attempts: Math.max(0, variant.attempts - 1) },
        { actor: PUBLISHER_ACTOR, at: now, reason },
      ),
    );
    return moved ? 'finishing' : 'lost-race';
  }

  /** A first attempt past the missed-grace window: missed, with a reason a person can act on. */
  async markMissed({ variant, channel }: DueVariant, now: Date, workerSince?: Date): Promise<'missed'> {
    const post = await this.variants.findPost(variant.postId);
    const reason = missedReason({
      variant,
      channel: `${channel.brandId}/${channel.key}`,
      zone: this.zoneOf(channel),
      grace: formatDurationMs(this.config.loaded.config.publishing.missedGrace),
      postPublishAt: post?.publishAt,
      workerSince,
    });
    await this.finish(variant, 'missed', { lastError: reason }, now, reason);
    return 'missed';
  }

  /** Scheduled again `waitMs` after `now`, with `message` and the next attempt's time in `lastError`. */
  async retryLater(
    variant: PostVariantEntity,
    now: Date,
    message: string,
    waitMs: number,
    unchangedSince?: Date,
    attempts = variant.attempts,
  ): Promise<'retry'> {
    const retryAt = new Date(now.getTime() + waitMs);
    await this.events.run(() =>
      this.states.move(
        variant,
        'scheduled',
        {
          scheduledAt: retryAt,
          attempts,
          lastError: `${message} (attempt ${variant.attempts}; next ${retryAt.toISOString()})`,
        },
        { actor: PUBLISHER_ACTOR, at: now, reason: message, unchangedSince },
      ),
    );
    return 'retry';
  }

  /**
   * The channel's credentials were refused: the variant is not the problem, so it waits, scheduled at its
   * time with its attempt given back, until the channel is reconnected (the due queries skip the channel).
   * Its post waits `scheduled` too, with the reason (see postWaitsForReconnect), so its file can still be
   * edited or deleted like that of any scheduled post.
   */
  async waitForReconnect(
    { variant, channel }: DueVariant,
    now: Date,
    refusal?: string,
  ): Promise<'waiting' | 'lost-race'> {
    const reason = `waits for ${channel.brandId}/${channel.key} to be reconnected: ${channel.connector} refused its credentials${refusal ? ` (${refusal})` : ''}; renew them, then run \`metronome channels reconnect ${channel.brandId}/${channel.key}\``;
    const moved = await this.events.run(async () => {
      if (
        !(await this.states.move(
          variant,
          'scheduled',
          { attempts: Math.max(0, variant.attempts - 1), lastError: reason },
          { actor: PUBLISHER_ACTOR, at: now, reason },
        ))
      ) {
        return false;
      }
      await this.postWaitsForReconnect(variant.postId, now, reason);
      return true;
    });
    return moved ? 'waiting' : 'lost-race';
  }

  /** Ends a variant and, when it was the post's last one, settles the post: published, or failed with why. */
  async finish(
    variant: PostVariantEntity,
    to: 'published' | 'failed' | 'missed',
    changes: VariantChanges,
    now: Date,
    reason?: string,
    log = true,
  ): Promise<void> {
    await this.events.run(() => this.settle(variant, to, changes, now, reason));
    if (to !== 'published' && log) {
      this.logger.warn(`variant ${variant.id} ${to}: ${reason ?? ''}`);
    }
  }

  /** The brand's time zone, for times in reasons and log lines. */
  zoneOf(channel: ChannelEntity): string {
    return this.config.loaded.config.brands[channel.brandId]?.timezone ?? 'UTC';
  }

  private async settle(
    variant: PostVariantEntity,
    to: 'published' | 'failed' | 'missed',
    changes: VariantChanges,
    now: Date,
    reason?: string,
  ): Promise<void> {
    if (!(await this.states.move(variant, to, changes, { actor: PUBLISHER_ACTOR, at: now, reason }))) {
      return;
    }
    const all = await this.variants.ofPost(variant.postId);
    const post = await this.variants.post(variant.postId);
    for (const step of postSettlement(post.state, all, reason)) {
      const options = { actor: PUBLISHER_ACTOR, at: now, reason: step.reason };
      if (!(await this.posts.transition(post, step.to, options))) {
        return;
      }
    }
  }

  /**
   * A post whose variant now waits for its channel to be reconnected goes back from `publishing` to `scheduled`,
   * with the reason, when none of its variants went out or is going out: it is then a scheduled post in every
   * view, an edit of its file re-imports it and deleting the file cancels it, as for any scheduled post. A post
   * with a variant published or under way stays `publishing`: it has (partly) gone out, and a published post is
   * never rewritten. Runs in the open transaction, right after the variant moved back to `scheduled`.
   */
  private async postWaitsForReconnect(postId: string, now: Date, reason: string): Promise<boolean> {
    const post = await this.variants.findPost(postId);
    if (post?.state !== 'publishing') {
      return false;
    }
    const variants = await this.variants.ofPost(postId);
    if (variants.some((variant) => variant.state !== 'scheduled')) {
      return false;
    }
    return this.posts.transition(post, 'scheduled', {
      actor: PUBLISHER_ACTOR,
      at: now,
      reason,
    });
  }
}
