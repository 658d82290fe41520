import type { BullQueueDriver } from './bull-queue.driver';
import type { InlineQueueDriver } from './inline-queue.driver';

/** A driver's answer to /health. */
export interface QueueHealth {
  status: 'ok' | 'down';
  detail?: string;
}

/**
 * The deployment's queue: inline (no Redis; publishing's workers claim due variants from the database) or Bull on
 * Redis (the `publish` queue, shared by every worker). A union rather than an interface: the one place that picks
 * publishing's parts by driver (`publishingDriverFor`) switches on `name`, and the compiler checks it covers both.
 */
export type QueueDriver = InlineQueueDriver | BullQueueDriver;

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');
