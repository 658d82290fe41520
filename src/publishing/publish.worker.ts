import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { VariantPublisher } from './variant-publisher.service';

export interface PublishLoopOptions {
  /** Variants fetched per round. */
  batch: number;
  /** Publishes in flight at once in this process. */
  concurrency: number;
  /** Pause when nothing was due. */
  idleMs: number;
}

/**
 * The worker role's publishing loop: fetch due variants, publish them with bounded concurrency, repeat;
 * every 30 s (or half of `publishing.reclaimAfter`) reconcile variants a dead worker left in `publishing`. Any number of workers may run it:
 * each variant is claimed in the database before it is sent.
 */
@Injectable()
export class PublishWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PublishWorker');
  private stopping = false;
  private loop?: Promise<void>;
  private lastReconcile = 0;

  constructor(private readonly publisher: VariantPublisher) {}

  onApplicationBootstrap(): void {
    this.loop = this.run({ batch: 200, concurrency: 16, idleMs: 250 });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  /** Publishes everything due until `stop()` resolves true. Exposed for benchmarks and tests. */
  async run(
    options: PublishLoopOptions,
    clock: () => Date = () => new Date(),
    stop: () => boolean = () => this.stopping,
  ): Promise<void> {
    while (!stop()) {
      try {
        const now = clock();
        if (now.getTime() - this.lastReconcile > Math.min(30_000, this.publisher.reclaimAfterMs() / 2)) {
          this.lastReconcile = now.getTime();
          await this.publisher.reconcileStale(now);
        }
        const due = await this.publisher.due(now, options.batch);
        if (due.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, options.idleMs));
          continue;
        }
        await this.inParallel(due, options.concurrency, (item) => this.publisher.publish(item, clock()));
      } catch (error) {
        this.logger.error(`publish round failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, options.idleMs));
      }
    }
  }

  private async inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
    let next = 0;
    const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        try {
          await work(item);
        } catch (error) {
          this.logger.error(`publish failed: ${(error as Error).message}`);
        }
      }
    });
    await Promise.all(lanes);
  }
}
