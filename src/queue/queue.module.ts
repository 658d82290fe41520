import { BullModule, getQueueToken } from '@nestjs/bull';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { BullQueueDriver } from './bull-queue.driver';
import { InlineQueueDriver } from './inline-queue.driver';
import { QUEUE_DRIVER, QueueDriver } from './queue-driver';

/** The queues Metronome uses; each is one kind of "look at X now" message. */
export const QUEUE_NAMES = ['publish', 'rules', 'monitor', 'reports', 'notify'] as const;

@Module({})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_DRIVER) private readonly driver: QueueDriver) {}

  /** Inline (jobs as database rows) unless a Redis URL is given, then Bull with keys under `prefix`. */
  static forRoot(redisUrl: string | undefined, prefix = 'metronome'): DynamicModule {
    if (!redisUrl) {
      return {
        module: QueueModule,
        global: true,
        providers: [
          {
            provide: QUEUE_DRIVER,
            inject: [DataSource],
            useFactory: (ds: DataSource) => new InlineQueueDriver(ds),
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
        ...QUEUE_NAMES.map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [
        {
          provide: QUEUE_DRIVER,
          inject: QUEUE_NAMES.map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue[]) =>
            new BullQueueDriver(new Map(queues.map((q, i) => [QUEUE_NAMES[i], q])), prefix),
        },
      ],
      exports: [QUEUE_DRIVER],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.driver.close();
  }
}
