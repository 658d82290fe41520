import { Injectable, Logger } from '@nestjs/common';
import { logRoundFailure } from '../app/dependency-outage.log';
import { ChannelCredentials } from '../channels/channel-credentials';
import { ConnectorInstances } from '../channels/connector-instances';
import { formatDurationMs } from '../config/schema/primitives.schema';
import { AuthenticationError, PermanentError, RateLimitedError, type PublishStatus } from '../plugin-sdk';
import { ChannelLimits } from './channel-limits';
import type { DueVariant } from './due-variant';
import { giveUpAt, MAX_FINISHING_MS, nextCheckAt } from './finishing-schedule';
import { FinishingVariantRepository } from './finishing-variant.repository';
import { InvalidConnectorAnswerError, publishStatusProblem } from './publish-result.check';
import { PublishTimings } from './publish-timings';
import { RateLimitWaits } from './rate-limit-waits';
import { VariantSettler } from './variant-settler.service';

/** What one check of a finishing variant led to. */
export type CheckOutcome = 'published' | 'failed' | 'finishing' | 'lost-race';

/**
 * Two-step publishing: asks the platform where each `finishing` variant stands (`status(handle)`, in a channel
 * slot) once its check is due, and never publishes it again. Published → recorded as a one-step publish;
 * finishing → asked again later (FinishingSchedule; not an attempt); failed → failed with the platform's reason.
 * A failed question maps as a failed publish does: a 429 makes the channel wait, refused credentials wait for a
 * reconnect, a permanent refusal (or a broken answer) fails the variant, anything else asks again with backoff;
 * a variant still finishing after MAX_FINISHING_MS is failed for a person to check.
 */
@Injectable()
export class FinishingChecks {
  private readonly logger = new Logger('Publisher');

  constructor(
    private readonly finishing: FinishingVariantRepository,
    private readonly connectors: ConnectorInstances,
    private readonly credentials: ChannelCredentials,
    private readonly limits: ChannelLimits,
    private readonly waits: RateLimitWaits,
    private readonly settler: VariantSettler,
    private readonly timings: PublishTimings,
  ) {}

  /** Claims up to `limit` due checks (the lease is `publishing.reclaimAfter`) and asks them; returns how many. */
  async checkDue(now: Date, limit: number): Promise<number> {
    const due = await this.finishing.due(now, limit);
    if (due.length === 0) {
      return 0;
    }
    const leaseUntil = new Date(now.getTime() + this.timings.reclaimAfterMs());
    const won = await this.finishing.claim(
      due.map((item) => item.variant.id),
      now,
      leaseUntil,
    );
    const mine = due.filter((item) => won.has(item.variant.id));
    await Promise.all(
      mine.map(async (item) => {
        Object.assign(item.variant, { updatedAt: now, nextCheckAt: leaseUntil });
        // One check's database error must not stop the others: its lease ends and it is asked again.
        await this.check(item, now).catch((error: unknown) =>
          logRoundFailure(this.logger, 'finishing check', error),
        );
      }),
    );
    return mine.length;
  }

  /** Asks about one claimed finishing variant and settles what the answer says. */
  async check(item: DueVariant, now: Date): Promise<CheckOutcome> {
    const { variant, channel } = item;
    let credentialsVersion = channel.credentialsVersion;
    if (await this.waits.blocked(channel.id, now)) {
      return this.later(item, now, `waits for the rate limit on ${channel.brandId}/${channel.key}`);
    }
    let answer: PublishStatus;
    try {
      const instance = await this.connectors.get(channel.brandId, channel.key, channel.credentialsVersion);
      credentialsVersion = instance.credentialsVersion;
      const { connector } = instance;
      if (typeof connector.status !== 'function') {
        throw new PermanentError(
          `connector "${channel.connector}" has no status(handle) to ask about the post it accepted (handle ${JSON.stringify(variant.remoteHandle)}): check the channel`,
        );
      }
      const answered: unknown = await this.limits.inSlot(channel, () =>
        connector.status!(variant.remoteHandle ?? ''),
      );
      const problem = publishStatusProblem(answered);
      if (problem) {
        throw new InvalidConnectorAnswerError(channel.connector, 'status', problem);
      }
      answer = answered as PublishStatus;
    } catch (error) {
      return this.failedQuestion(item, error, now, credentialsVersion);
    }
    // Outside the try: a database error while recording is not a failed question (the lease ends, it is asked again).
    return this.settle(item, answer, now);
  }

  private settle(item: DueVariant, answer: PublishStatus, now: Date): Promise<CheckOutcome> {
    const { variant, channel } = item;
    switch (answer.status) {
      case 'published':
        return this.settler.recordPublished(
          variant,
          answer.result,
          now,
          { connector: channel.connector, call: 'status' },
          `finished by ${channel.connector}`,
        );
      case 'failed':
        return this.fail(
          item,
          `${channel.connector} could not finish the post (handle ${JSON.stringify(variant.remoteHandle)}): ${answer.reason}`,
          now,
          'forget',
        );
      case 'finishing':
        return this.later(item, now, null, answer.checkAfterMs);
    }
  }

  /** The question itself failed: mapped as for a publish, except that nothing but a refusal ends the variant. */
  private async failedQuestion(
    item: DueVariant,
    error: unknown,
    now: Date,
    credentialsVersion: number,
  ): Promise<CheckOutcome> {
    const { channel } = item;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RateLimitedError) {
      const until = await this.waits.blockChannel(channel, error, now);
      return this.later(item, now, message, Math.max(0, until.getTime() - now.getTime()));
    }
    if (error instanceof AuthenticationError) {
      if (!(await this.credentials.refused(channel, message, now, credentialsVersion))) {
        return this.later(item, now, `${message}, with credentials renewed since: asking again`, 0);
      }
      // The due query skips the channel until it is reconnected; then it is asked at once.
      return this.later(
        item,
        now,
        `waits for ${channel.brandId}/${channel.key} to be reconnected: ${channel.connector} refused its credentials (${message})`,
        0,
      );
    }
    if (error instanceof PermanentError) {
      // The platform refused the question for good (the container expired, say): the handle is dead. A broken
      // answer is the connector's bug, not the platform's word: the handle is kept.
      return this.fail(item, message, now, error instanceof InvalidConnectorAnswerError ? 'keep' : 'forget');
    }
    return this.later(item, now, message);
  }

  /** Asks again later (or gives up once the variant has been finishing for MAX_FINISHING_MS). */
  private async later(
    { variant, channel }: DueVariant,
    now: Date,
    note: string | null,
    checkAfterMs?: number,
  ): Promise<CheckOutcome> {
    const acceptedAt = variant.acceptedAt ?? now;
    if (now.getTime() >= giveUpAt(acceptedAt).getTime()) {
      const reason = `gave up after ${formatDurationMs(MAX_FINISHING_MS)} finishing: ${channel.connector} accepted the post at ${acceptedAt.toISOString()} (handle ${JSON.stringify(variant.remoteHandle)}) and never reported it published${note ? ` (last: ${note})` : ''}; it may still appear on ${channel.brandId}/${channel.key}: check there (rescheduling asks about this handle again, it never sends a second post)`;
      return this.fail({ variant, channel }, reason, now, 'keep');
    }
    const next = nextCheckAt(acceptedAt, now, checkAfterMs);
    const lastError = note ? `${note} (asking again at ${next.toISOString()})` : null;
    if (
      !(await this.finishing.checkLater(variant.id, variant.updatedAt, {
        nextCheckAt: next,
        lastError,
        at: now,
      }))
    ) {
      return 'lost-race';
    }
    Object.assign(variant, { nextCheckAt: next, lastError, updatedAt: now });
    return 'finishing';
  }

  /**
   * Fails the variant. When the platform itself said the post failed, its handle is forgotten, so a person who
   * fixes and reschedules the post publishes it anew; otherwise (given up, a broken answer) it is kept, and a
   * reschedule asks about it again rather than risk a second post.
   */
  private async fail(
    { variant }: DueVariant,
    reason: string,
    now: Date,
    handle: 'keep' | 'forget',
  ): Promise<'failed'> {
    const changes = handle === 'forget' ? { lastError: reason, remoteHandle: null } : { lastError: reason };
    await this.settler.finish(variant, 'failed', changes, now, reason);
    return 'failed';
  }
}
