import { Injectable } from '@nestjs/common';
import type { PostVariantEntity } from './post-variant.entity';
import { PermanentError, type MediaAttachment, type PublishResult } from '../plugin-sdk';
import { ChannelCredentials } from '../channels/channel-credentials';
import { ChannelLimits } from './channel-limits';
import { ConnectorInstances } from '../channels/connector-instances';
import type { DueVariant } from './due-variant';
import { PublishFailureHandler } from './publish-failure.handler';
import { checkedOutcome } from './publish-result.check';
import { PublishTimings } from './publish-timings';
import { VariantSettler } from './variant-settler.service';
import { VariantStateService } from './variant-state.service';

/** A send's outcome: the platform's answer to record, or the state the variant was settled in. */
export type SendOutcome = { state: 'sent'; result: PublishResult } | { state: string };

/**
 * Sends one claimed variant through its channel's connector, in a channel slot, with its idempotency key; any
 * failure is settled by the PublishFailureHandler. A publish is returned for the caller to record.
 */
@Injectable()
export class VariantSender {
  constructor(
    private readonly credentials: ChannelCredentials,
    private readonly connectors: ConnectorInstances,
    private readonly limits: ChannelLimits,
    private readonly states: VariantStateService,
    private readonly settler: VariantSettler,
    private readonly failures: PublishFailureHandler,
    private readonly timings: PublishTimings,
  ) {}

  async send({ variant, channel }: DueVariant, now: Date): Promise<SendOutcome> {
    // The credentials version of the instance that sends: a refusal counts only if nobody renewed them since.
    let credentialsVersion = channel.credentialsVersion;
    try {
      if (variant.remoteHandle !== null) {
        // The platform accepted this post before: a second publish could make a second container.
        return { state: await this.settler.resumeFinishing(variant, now) };
      }
      if (!(await this.credentials.usable(channel, now))) {
        return { state: await this.settler.waitForReconnect({ variant, channel }, now) };
      }
      const instance = await this.connectors.get(channel.brandId, channel.key, channel.credentialsVersion);
      const { connector } = instance;
      credentialsVersion = instance.credentialsVersion;
      const publish = connector.publish?.bind(connector);
      if (!publish) {
        throw new PermanentError(`connector ${channel.connector} cannot publish`);
      }
      // Elapsed time, not a reading of the clock: `now` is the caller's (a test's) time.
      const waitingSince = performance.now();
      const result = await this.limits.inSlot(channel, async () => {
        // Waiting for a channel slot may have outlasted the claim: renew it right before the call, or
        // leave the variant to whoever reconciled it (sending then could duplicate the post).
        const waited = performance.now() - waitingSince;
        if (!(await this.keepClaim(variant, new Date(now.getTime() + waited)))) {
          throw new ClaimLostError();
        }
        return publish({
          idempotencyKey: variant.idempotencyKey,
          text: variant.text,
          ...(variant.title !== null ? { title: variant.title } : {}),
          media: variant.media as unknown as MediaAttachment[],
          scheduledAt: variant.scheduledAt ?? now,
          extra: variant.extra,
        });
      });
      const outcome = checkedOutcome(
        channel.connector,
        'publish',
        result,
        typeof connector.status === 'function',
      );
      if ('accepted' in outcome) {
        const source = { connector: channel.connector, call: 'publish' } as const;
        return { state: await this.settler.recordAccepted(variant, outcome.accepted, now, source) };
      }
      return { state: 'sent', result: outcome.published };
    } catch (error) {
      if (error instanceof ClaimLostError) {
        return { state: 'lost-race' };
      }
      return { state: await this.failures.handle(variant, channel, error, now, credentialsVersion) };
    }
  }

  /** Renews a claim older than a third of `reclaimAfter`; false when the claim is no longer this worker's. */
  async keepClaim(variant: PostVariantEntity, at: Date): Promise<boolean> {
    if (at.getTime() - variant.updatedAt.getTime() <= this.timings.reclaimAfterMs() / 3) {
      return true;
    }
    return this.states.refreshClaim(variant, at);
  }
}

/** The claim on a variant passed to another worker while this one waited: it must not send. */
class ClaimLostError extends Error {}
