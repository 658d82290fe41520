import type { Queue } from 'bull';
import { BullPublishDispatch, DEFAULT_BULL_DISPATCH } from './bull-publish.dispatch';
import type { PublishDispatch } from './publish-dispatch';
import type { DispatchParts, PublishingDriver } from './publishing-driver';
import { RedisChannelSlots } from './redis-channel-slots';
import { RedisRateBudget } from './redis-rate-budget';

/**
 * Publishing on Bull: the rate budget and each channel's concurrency limit are kept in Redis (keys under
 * `<prefix>:rate-budget` and `<prefix>:channel-slots`) so they hold across every worker process; the dispatch adds
 * delayed jobs to the publish queue and runs its processors.
 */
export class BullPublishingDriver implements PublishingDriver {
  readonly name = 'bull' as const;
  readonly rateBudget: RedisRateBudget;
  readonly channelSlots: RedisChannelSlots;

  constructor(
    private readonly publishQueue: Queue,
    prefix: string,
  ) {
    this.rateBudget = new RedisRateBudget(publishQueue.client, `${prefix}:rate-budget`);
    this.channelSlots = new RedisChannelSlots(publishQueue.client, { prefix: `${prefix}:channel-slots` });
  }

  dispatch({ publisher, lease, clock }: DispatchParts): PublishDispatch {
    return new BullPublishDispatch(this.publishQueue, publisher, lease, DEFAULT_BULL_DISPATCH, clock);
  }
}
