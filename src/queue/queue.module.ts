import { BullModule, getQueueToken } from '@nestjs/bull';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bull';
import { BullQueueDriver } from './bull-queue.driver';
import { InlineQueueDriver } from './inline-queue.driver';
import { JobRepository } from './job.repository';
import { QUEUE_DRIVER, type QueueDriver } from './queue-driver';

/**
 * The one Bull queue: publishing's "look at these variants" jobs. Periodic work (rules, inbox, metrics, profiles,
 * reports, escalations) runs from `@nestjs/schedule` ticks guarded by cluster leases, not through a queue.
 */
export const PUBLISH_QUEUE = 'publish';

@Module({})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_DRIVER) private readonly driver: QueueDriver) {}

  /** Inline (no Redis) unless a Redis URL is given, then Bull with keys under `prefix`. */
  static forRoot(redisUrl: string | undefined, prefix = 'metronome'): DynamicModule {
    if (!redisUrl) {
      return {
        module: QueueModule,
        global: true,
        providers: [
          JobRepository,
          {
            provide: QUEUE_DRIVER,
            inject: [JobRepository],
            useFactory: (jobs: JobRepository) => new InlineQueueDriver(jobs),
          },
        ],
        exports: [QUEUE_DRIVER],
      };
    }
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRoot({ redis: redisUrl, prefix }),
        BullModule.registerQueue({ name: PUBLISH_QUEUE }),
      ],
      providers: [
        {
          provide: QUEUE_DRIVER,
          inject: [getQueueToken(PUBLISH_QUEUE)],
          useFactory: (publishQueue: Queue) => new BullQueueDriver(publishQueue, prefix),
        },
      ],
      exports: [QUEUE_DRIVER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}
