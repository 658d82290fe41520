import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { ChannelEntity } from '../channels/channel.entity';
import { CHANNEL_SLOTS, type ChannelSlotPool } from './channel-slots';
import { RATE_BUDGET, type RateBudget } from './rate-budget';

/** Used when a channel is not (or no longer) in the configuration: the schema's default. */
const DEFAULT_LIMITS = { concurrency: 16 };

/** A channel's publishing limits from the config in force: its concurrency slots and its rate budget. */
@Injectable()
export class ChannelLimits {
  constructor(
    private readonly config: ConfigService,
    @Inject(RATE_BUDGET) private readonly budget: RateBudget,
    @Inject(CHANNEL_SLOTS) private readonly slots: ChannelSlotPool,
  ) {}

  of(channel: ChannelEntity): { concurrency: number; perMinute?: number } {
    return (
      this.config.loaded.config.brands[channel.brandId]?.channels[channel.key]?.publishing ?? DEFAULT_LIMITS
    );
  }

  /**
   * 0 when a send may start now, else how many ms until the slot booked for `holder` (a variant id): its
   * `perMinute` spacing, or the end of a platform rate limit the channel is waiting out.
   */
  budgetWait(channel: ChannelEntity, holder: string, now: Date): Promise<number> {
    return this.budget.take(channel.id, this.of(channel).perMinute, now, holder);
  }

  /** Runs a send once the channel has a free slot (in this process, or in the cluster on Bull). */
  inSlot<T>(channel: ChannelEntity, send: () => Promise<T>): Promise<T> {
    return this.slots.run(channel.id, this.of(channel).concurrency, send);
  }
}
