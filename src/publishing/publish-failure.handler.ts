import { Injectable, Logger } from '@nestjs/common';
import type { ChannelEntity } from '../channels/channel.entity';
import type { PostVariantEntity } from './post-variant.entity';
import { AuthenticationError, OutcomeUnknownError, PermanentError, RateLimitedError } from '../plugin-sdk';
import { ChannelCredentials } from '../channels/channel-credentials';
import { ConnectorInstances } from '../channels/connector-instances';
import { publishFailureLine, type AfterFailure } from './publish-failure.log';
import { checkedOutcome, InvalidConnectorAnswerError, type CheckedOutcome } from './publish-result.check';
import { RateLimitWaits } from './rate-limit-waits';
import { backoffMs, MAX_PUBLISH_ATTEMPTS } from './retry-schedule';
import { VariantSettler } from './variant-settler.service';

/**
 * What a failed send leads to: a lookup on the platform when the outcome is unknown, a wait for a reconnect when
 * the credentials were refused, a wait for the channel after a 429, a retry with backoff, or giving up.
 */
@Injectable()
export class PublishFailureHandler {
  private readonly logger = new Logger('Publisher');

  constructor(
    private readonly settler: VariantSettler,
    private readonly connectors: ConnectorInstances,
    private readonly credentials: ChannelCredentials,
    private readonly waits: RateLimitWaits,
  ) {}

  /** Settles a failed attempt, then logs it: one structured line per failed attempt (none once found on the platform). */
  async handle(
    variant: PostVariantEntity,
    channel: ChannelEntity,
    error: unknown,
    now: Date,
    credentialsVersion = channel.credentialsVersion,
  ): Promise<string> {
    const attempt = variant.attempts;
    const outcome = await this.settle(variant, channel, error, now, credentialsVersion);
    // A 429 is a wait of the whole channel, logged once per block (RateLimitWaits), not an attempt.
    // Found on the platform (published, or accepted and finishing) after an unknown outcome: nothing failed.
    if (
      outcome !== 'published' &&
      outcome !== 'finishing' &&
      outcome !== 'lost-race' &&
      !(error instanceof RateLimitedError)
    ) {
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
          zone: this.settler.zoneOf(channel),
          attempt,
          error,
          after,
        }),
      );
    }
    return outcome;
  }

  /**
   * `unknown-outcome`: the connector could not tell whether the platform took the post (a timeout after
   * sending). `worker-stopped`: a worker died holding the claim — mostly variants it had claimed ahead and never
   * sent. Either way the platform is asked first; found → published. Not found after a worker stopped is
   * due again at once and its claim is not counted as an attempt (the platform never saw it; counting it let
   * a burst of crashes use up the attempts a real platform error needs); not found after an unknown outcome
   * backs off as any failed attempt does. Found accepted (a container the platform is finishing) → `finishing`:
   * asked about from then on, never sent again.
   */
  async reconcile(
    variant: PostVariantEntity,
    channel: ChannelEntity,
    now: Date,
    cause: 'unknown-outcome' | 'worker-stopped',
  ): Promise<string> {
    const { connector } = await this.connectors.get(channel.brandId, channel.key, channel.credentialsVersion);
    let found: unknown;
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
    if (found !== undefined) {
      let outcome: CheckedOutcome;
      try {
        outcome = checkedOutcome(channel.connector, 'lookup', found, typeof connector.status === 'function');
      } catch (error) {
        // A broken answer is not "found" and not "absent": a retry could duplicate, so stop and ask a person.
        if (error instanceof InvalidConnectorAnswerError) {
          return this.failForAPerson(variant, error.message, now, cause);
        }
        throw error;
      }
      const source = { connector: channel.connector, call: 'lookup' } as const;
      if ('accepted' in outcome) {
        // The platform took it and is finishing it (a container): ask about it from now on, never send again.
        return this.settler.recordAccepted(variant, outcome.accepted, now, source);
      }
      return this.settler.recordPublished(
        variant,
        outcome.published,
        now,
        source,
        'found on the platform after an unknown outcome',
      );
    }
    if (!connector.lookup) {
      // Without a lookup a retry could duplicate: stop and ask a person.
      const reason = `the outcome of publishing is unknown and ${channel.connector} cannot look posts up: check the channel, then reschedule`;
      return this.failForAPerson(variant, reason, now, cause);
    }
    if (cause === 'worker-stopped') {
      // The platform never saw it: not an attempt. Due again at once, with the attempt its claim counted given
      // back (its time moves to now, which also gives it a new Bull job).
      return this.settler.retryLater(
        variant,
        now,
        'the worker stopped before the outcome was known; not found on the platform: publishing again',
        0,
        variant.updatedAt,
        Math.max(0, variant.attempts - 1),
      );
    }
    return this.settler.retryLater(
      variant,
      now,
      'outcome unknown, not found on the platform: retrying',
      backoffMs(variant.attempts),
      // Only if the claim is still as stale as it looked: a live worker that renewed it meanwhile sends it.
      variant.updatedAt,
    );
  }

  /** The retry decision: which error leads where. */
  private async settle(
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
      const { connector } = await this.connectors.get(channel.brandId, channel.key, credentialsVersion);
      const renewal = await this.credentials.renew(channel, connector, now);
      if (renewal.renewed) {
        // The connector renewed its credentials: not an attempt, due again at once with the same instance.
        return this.settler.retryLater(
          variant,
          now,
          `${message}; the connector renewed the credentials: sending again`,
          0,
          undefined,
          Math.max(0, variant.attempts - 1),
        );
      }
      const reason = renewal.why ? `${message} (${renewal.why})` : message;
      if (!(await this.credentials.refused(channel, reason, now, credentialsVersion))) {
        // Refused with the credentials a reconnect has replaced since: not an attempt, due again at once.
        return this.settler.retryLater(
          variant,
          now,
          `${message}, with credentials renewed since: sending again with the new ones`,
          0,
          undefined,
          Math.max(0, variant.attempts - 1),
        );
      }
      return this.settler.waitForReconnect({ variant, channel }, now, reason);
    }
    if (error instanceof PermanentError) {
      await this.settler.finish(variant, 'failed', { lastError: message }, now, message, false);
      return 'failed';
    }
    if (error instanceof RateLimitedError) {
      // The platform did not refuse the post, only the moment: a wait, never counted as an attempt.
      return this.waits.rateLimited({ variant, channel }, error, now);
    }
    if (variant.attempts >= MAX_PUBLISH_ATTEMPTS) {
      const reason = `gave up after ${variant.attempts} attempts: ${message}`;
      await this.settler.finish(variant, 'failed', { lastError: reason }, now, reason, false);
      return 'failed';
    }
    return this.settler.retryLater(variant, now, message, backoffMs(variant.attempts));
  }

  /**
   * Fails a variant whose outcome a retry could duplicate, for a person to check (after a failed attempt,
   * handle() logs the one line; a claim a stopped worker held was not an attempt).
   */
  private async failForAPerson(
    variant: PostVariantEntity,
    reason: string,
    now: Date,
    cause: 'unknown-outcome' | 'worker-stopped',
  ): Promise<'failed'> {
    await this.settler.finish(
      variant,
      'failed',
      { lastError: reason },
      now,
      reason,
      cause === 'worker-stopped',
    );
    return 'failed';
  }
}
