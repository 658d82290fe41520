import type { Clock } from '../clock/clock';
import type { ClusterLease } from '../cluster/cluster-lease.service';
import type { QueueDriver } from '../queue/queue-driver';
import { BullPublishingDriver } from './bull-publishing.driver';
import type { ChannelSlotPool } from './channel-slots';
import { InlinePublishingDriver } from './inline-publishing.driver';
import type { PublishDispatch } from './publish-dispatch';
import type { RateBudget } from './rate-budget';
import type { VariantPublisher } from './variant-publisher.service';

/** What a worker's dispatch is built from. */
export interface DispatchParts {
  publisher: VariantPublisher;
  clock: Clock;
  lease: ClusterLease;
}

/**
 * Publishing's parts that depend on the queue driver, chosen together: on the inline driver everything stays in
 * this process (each worker claims from the database); on Bull the rate budget and the channel slots live in Redis,
 * so every worker of the cluster draws on the same ones, and a cluster-wide dispatcher adds delayed jobs.
 */
export interface PublishingDriver {
  readonly name: QueueDriver['name'];
  /** Each channel's rate budget (`publishing.perMinute`, platform rate limits). */
  readonly rateBudget: RateBudget;
  /** Each channel's concurrency limit (`publishing.concurrency`). */
  readonly channelSlots: ChannelSlotPool;
  /** How due variants reach this worker (the worker role only). */
  dispatch(parts: DispatchParts): PublishDispatch;
}

export const PUBLISHING_DRIVER = Symbol('PUBLISHING_DRIVER');

/** The one place publishing looks at which queue driver the deployment runs. */
export function publishingDriverFor(queue: QueueDriver): PublishingDriver {
  switch (queue.name) {
    case 'inline':
      return new InlinePublishingDriver();
    case 'bull':
      return new BullPublishingDriver(queue.publishQueue, queue.prefix);
  }
}
