/**
 * A channel's concurrency limit (`channels.<id>.publishing.concurrency`) in this process: a publish waits
 * in memory for a free slot on its channel, so one slow platform cannot take every lane of the worker.
 */
export class ChannelSlots {
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
