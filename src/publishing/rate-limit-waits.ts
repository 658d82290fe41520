import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionalEvents } from '../events/transactional-events';
import type { ChannelEntity } from '../channels/channel.entity';
import type { RateLimitedError } from '../plugin-sdk';
import { ChannelLimits } from './channel-limits';
import { RATE_BUDGET, type RateBudget } from './rate-budget';
import { rateLimitUntil } from './rate-limit-wait';
import type { DueVariant } from './due-variant';
import { VariantStateService } from './variant-state.service';

const ACTOR = 'publisher';

/**
 * Waits for a channel's budget: its own `perMinute` spacing and the platform's rate limit. A wait is never an
 * attempt and never a failure: the variant goes back to `scheduled` at the slot booked for it, with the attempt
 * its claim counted given back, and since its time moved there the missed-grace window counts from there.
 */
@Injectable()
export class RateLimitWaits {
  private readonly logger = new Logger('Publisher');

  constructor(
    @Inject(RATE_BUDGET) private readonly budget: RateBudget,
    private readonly limits: ChannelLimits,
    private readonly variants: VariantStateService,
    private readonly events: TransactionalEvents,
  ) {}

  /**
   * The platform refused a send with a 429: the whole channel waits until the reset plus a margin (logged once
   * per block, not once per post), and this variant takes the channel's next slot after it.
   */
  async rateLimited(item: DueVariant, error: RateLimitedError, now: Date): Promise<string> {
    const until = await this.blockChannel(item.channel, error, now);
    const wait = await this.limits.budgetWait(item.channel, item.variant.id, now);
    return this.waitForBudget(item, now, Math.max(wait, until.getTime() - now.getTime()));
  }

  /** Blocks the whole channel after a 429 until the platform's reset plus a margin; returns until when. */
  async blockChannel(channel: ChannelEntity, error: RateLimitedError, now: Date): Promise<Date> {
    const { until, note } = rateLimitUntil(error.retryAt, now, await this.budget.lastBlock(channel.id));
    if (await this.budget.block(channel.id, until, now)) {
      this.logger.warn(
        `${platformOf(channel.connector)} rate limit on ${channel.brandId}/${channel.key}: its posts wait until ${until.toISOString()}${note ? ` (${note})` : ''}: ${error.message}`,
      );
    }
    return until;
  }

  /** Whether a 429 blocks the channel at `now`: nothing, not even a lookup, goes to the platform meanwhile. */
  async blocked(channelId: string, now: Date): Promise<boolean> {
    const block = await this.budget.lastBlock(channelId);
    return block !== undefined && block.until > now.getTime();
  }

  /** Over the channel's budget: the variant waits, scheduled again at the slot booked for it. */
  async waitForBudget({ variant, channel }: DueVariant, now: Date, waitMs: number): Promise<string> {
    const retryAt = new Date(now.getTime() + waitMs);
    const block = await this.budget.lastBlock(channel.id);
    const limited = block !== undefined && block.until > now.getTime();
    const reason = limited
      ? `${platformOf(channel.connector)} rate limit on ${channel.brandId}/${channel.key}: waits until ${retryAt.toISOString()}`
      : `over the rate budget of ${this.limits.of(channel).perMinute ?? 0}/min on ${channel.brandId}/${channel.key}: waits until ${retryAt.toISOString()}`;
    const moved = await this.events.run(() =>
      this.variants.move(
        variant,
        'scheduled',
        {
          scheduledAt: retryAt,
          // A wait is not an attempt: a variant claimed ahead gives back the attempt its claim counted.
          attempts: variant.state === 'publishing' ? Math.max(0, variant.attempts - 1) : variant.attempts,
          ...(limited ? { lastError: reason } : {}),
        },
        { actor: ACTOR, at: now, reason },
      ),
    );
    return moved ? 'waiting' : 'lost-race';
  }
}

/** "bluesky" → "Bluesky": the platform as people name it in a message. */
function platformOf(connector: string): string {
  return connector.charAt(0).toUpperCase() + connector.slice(1);
}
