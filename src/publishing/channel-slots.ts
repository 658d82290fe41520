/** Where a channel's concurrency limit is kept: this process (ChannelSlots) or the cluster (RedisChannelSlots). */
export interface ChannelSlotPool {
  /** Runs `work` once the channel has a free slot; at most `limit` run at once. */
  run<T>(channelId: string, limit: number, work: () => Promise<T>): Promise<T>;
  /** Gives back what it holds and stops its timers. */
  close?(): Promise<void>;
}

export const CHANNEL_SLOTS = Symbol('CHANNEL_SLOTS');

/**
 * A channel's concurrency limit (`channels.<id>.publishing.concurrency`) in this process: a publish waits
 * in memory for a free slot on its channel, so one slow platform cannot take every lane of the worker.
 */
export class ChannelSlots implements ChannelSlotPool {
  private readonly inUse = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  async run<T>(channelId: string, limit: number, work: () => Promise<T>): Promise<T> {
    while ((this.inUse.get(channelId) ?? 0) >= limit) {
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(channelId) ?? [];
        queue.push(resolve);
        this.waiting.set(channelId, queue);
      });
    }
    this.inUse.set(channelId, (this.inUse.get(channelId) ?? 0) + 1);
    try {
      return await work();
    } finally {
      this.inUse.set(channelId, (this.inUse.get(channelId) ?? 1) - 1);
      this.waiting.get(channelId)?.shift()?.();
    }
  }
}
