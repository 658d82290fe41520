import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigService } from '../config/config.service';
import { parseDurationMs } from '../config/schema/primitives.schema';
import { PostStateService } from '../content/post-state.service';
import { TransactionalEvents } from '../events/transactional-events';
import { ChannelEntity } from '../persistence/entities/channel.entity';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { PostEntity } from '../persistence/entities/post.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type MediaAttachment,
  type PublishResult,
} from '../plugin-sdk';
import { ConnectorInstances } from './connector-instances';
import { backoffMs, MAX_PUBLISH_ATTEMPTS } from './retry-schedule';
import { VariantStateService } from './variant-state.service';

const ACTOR = 'publisher';
const TERMINAL = ['published', 'failed', 'missed', 'cancelled'];

interface DueVariant {
  variant: PostVariantEntity;
  channel: ChannelEntity;
}

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
  ) {}

  /** Variants whose time has come, oldest first. */
  async due(now: Date, limit: number): Promise<DueVariant[]> {
    const rows = await this.dataSource
      .getRepository(PostVariantEntity)
      .createQueryBuilder('variant')
      .innerJoinAndMapOne('variant.channel', ChannelEntity, 'channel', 'channel.id = variant.channel_id')
      .where("variant.state = 'scheduled'")
      .andWhere('variant.scheduled_at <= :now', { now: toDbInstant(now) })
      .orderBy('variant.scheduled_at', 'ASC')
      .limit(limit)
      .getMany();
    return (rows as Array<PostVariantEntity & { channel: ChannelEntity }>).map((variant) => ({
      variant,
      channel: variant.channel,
    }));
  }

  /** Publishes one due variant; safe to call from several workers at once. Returns its final state. */
  async publish({ variant, channel }: DueVariant, now: Date): Promise<string> {
    const grace = parseDurationMs(this.config.loaded.config.publishing.missedGrace) ?? 0;
    // Only a first attempt can be missed: a retry continues a publication that started on time.
    if (
      variant.attempts === 0 &&
      variant.scheduledAt &&
      now.getTime() - variant.scheduledAt.getTime() > grace
    ) {
      const reason = `was due ${variant.scheduledAt.toISOString()}, more than ${this.config.loaded.config.publishing.missedGrace} ago (Metronome was not running): publish it again by editing its time`;
      await this.finish(variant, 'missed', { lastError: reason }, now, reason);
      return 'missed';
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
        await this.posts.transition(manager, post, 'publishing', { actor: ACTOR, at: now });
      }
      return true;
    });
    if (!claimed) {
      return 'lost-race';
    }
    let result: PublishResult;
    try {
      const { connector } = await this.connectors.get(channel.brandId, channel.key);
      if (!connector.publish) {
        throw new PermanentError(`connector ${channel.connector} cannot publish`);
      }
      result = await connector.publish({
        idempotencyKey: variant.idempotencyKey,
        text: variant.text,
        media: variant.media as unknown as MediaAttachment[],
        scheduledAt: variant.scheduledAt ?? now,
        extra: variant.extra,
      });
    } catch (error) {
      return this.handleFailure(variant, channel, error, now);
    }
    return this.recordPublished(variant, result, now);
  }

  private async recordPublished(
    variant: PostVariantEntity,
    result: PublishResult,
    now: Date,
    reason?: string,
  ): Promise<'published'> {
    const changes = {
      remoteId: result.remoteId,
      remoteUrl: result.url ?? null,
      publishedAt: result.publishedAt ?? now,
      lastError: null,
    };
    await this.finish(variant, 'published', changes, now, reason);
    return 'published';
  }

  /**
   * Variants left in `publishing` by a worker that died: the platform may or may not have the post, so
   * look it up; found → published, not found → due again (the idempotency key guards the retry).
   */
  /** How long a variant may stay `publishing` before it is taken for dead (config `publishing.reclaimAfter`). */
  reclaimAfterMs(): number {
    return parseDurationMs(this.config.loaded.config.publishing.reclaimAfter) ?? 120_000;
  }

  async reconcileStale(now: Date, staleAfterMs = this.reclaimAfterMs()): Promise<number> {
    const stale = await this.dataSource
      .getRepository(PostVariantEntity)
      .createQueryBuilder('variant')
      .innerJoinAndMapOne('variant.channel', ChannelEntity, 'channel', 'channel.id = variant.channel_id')
      .where("variant.state = 'publishing'")
      .andWhere('variant.updated_at < :before', {
        before: toDbInstant(new Date(now.getTime() - staleAfterMs)),
      })
      .limit(500)
      .getMany();
    for (const variant of stale as Array<PostVariantEntity & { channel: ChannelEntity }>) {
      await this.reconcile(variant, variant.channel, now);
    }
    return stale.length;
  }

  private async reconcile(variant: PostVariantEntity, channel: ChannelEntity, now: Date): Promise<string> {
    const { connector } = await this.connectors.get(channel.brandId, channel.key);
    const found = connector.lookup ? await connector.lookup(variant.idempotencyKey) : undefined;
    if (found) {
      return this.recordPublished(variant, found, now, 'found on the platform after an unknown outcome');
    }
    if (!connector.lookup) {
      // Without a lookup a retry could duplicate: stop and ask a person.
      const reason = `the outcome of publishing is unknown and ${channel.connector} cannot look posts up: check the channel, then reschedule`;
      await this.finish(variant, 'failed', { lastError: reason }, now, reason);
      return 'failed';
    }
    return this.retryLater(
      variant,
      now,
      'outcome unknown, not found on the platform: retrying',
      backoffMs(variant.attempts),
    );
  }

  private async handleFailure(
    variant: PostVariantEntity,
    channel: ChannelEntity,
    error: unknown,
    now: Date,
  ): Promise<string> {
    const message = (error as Error).message ?? String(error);
    if (error instanceof OutcomeUnknownError) {
      return this.reconcile(variant, channel, now);
    }
    if (error instanceof AuthenticationError) {
      await this.dataSource
        .getRepository(ChannelEntity)
        .update({ id: channel.id }, { status: 'needs_reconnect' });
      const reason = `${channel.connector} refused the credentials of ${channel.brandId}/${channel.key} (${message}): reconnect the channel`;
      await this.finish(variant, 'failed', { lastError: reason }, now, reason);
      return 'failed';
    }
    if (error instanceof PermanentError) {
      await this.finish(variant, 'failed', { lastError: message }, now, message);
      return 'failed';
    }
    if (variant.attempts >= MAX_PUBLISH_ATTEMPTS) {
      const reason = `gave up after ${variant.attempts} attempts: ${message}`;
      await this.finish(variant, 'failed', { lastError: reason }, now, reason);
      return 'failed';
    }
    const wait =
      error instanceof RateLimitedError && error.retryAt
        ? Math.max(0, error.retryAt.getTime() - now.getTime())
        : backoffMs(variant.attempts);
    return this.retryLater(variant, now, message, wait);
  }

  private async retryLater(
    variant: PostVariantEntity,
    now: Date,
    message: string,
    waitMs: number,
  ): Promise<string> {
    const retryAt = new Date(now.getTime() + waitMs);
    await this.events.run((manager) =>
      this.variants.move(
        manager,
        variant,
        'scheduled',
        {
          scheduledAt: retryAt,
          lastError: `${message} (attempt ${variant.attempts}; next ${retryAt.toISOString()})`,
        },
        { actor: ACTOR, at: now, reason: message },
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
  ): Promise<void> {
    await this.events.run(async (manager) => {
      if (!(await this.variants.move(manager, variant, to, changes, { actor: ACTOR, at: now, reason }))) {
        return;
      }
      const all = await manager.getRepository(PostVariantEntity).findBy({ postId: variant.postId });
      if (all.some((v) => !TERMINAL.includes(v.state))) {
        return; // another channel of the post is still on its way
      }
      const post = await manager.getRepository(PostEntity).findOneByOrFail({ id: variant.postId });
      const failed = all.filter((v) => v.state !== 'published' && TERMINAL.includes(v.state));
      if (
        post.state === 'scheduled' &&
        failed.length === all.length &&
        all.every((v) => v.state === 'missed')
      ) {
        await this.posts.transition(manager, post, 'missed', { actor: ACTOR, at: now, reason });
        return;
      }
      if (post.state === 'scheduled') {
        await this.posts.transition(manager, post, 'publishing', { actor: ACTOR, at: now });
      }
      if (post.state !== 'publishing') {
        return;
      }
      if (failed.length === 0) {
        await this.posts.transition(manager, post, 'published', { actor: ACTOR, at: now });
      } else {
        await this.posts.transition(manager, post, 'failed', {
          actor: ACTOR,
          at: now,
          reason: failed.map((v) => `${v.state}: ${v.lastError ?? ''}`).join('; '),
        });
      }
    });
    if (to !== 'published') {
      this.logger.warn(`variant ${variant.id} ${to}: ${reason ?? ''}`);
    }
  }
}
