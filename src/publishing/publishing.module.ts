import { Module } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { ClusterLease } from '../cluster/cluster-lease.service';
import { ContentModule } from '../content/content.module';
import { EscalationsModule } from '../escalations/escalations.module';
import { BullQueueDriver } from '../queue/bull-queue.driver';
import { QUEUE_DRIVER, type QueueDriver } from '../queue/queue-driver';
import { BullPublishDispatch, DEFAULT_BULL_DISPATCH } from './bull-publish.dispatch';
import { ChannelCredentials } from './channel-credentials';
import { ChannelsController } from './channels.controller';
import { CHANNEL_SLOTS, ChannelSlots } from './channel-slots';
import { ConnectorInstances } from './connector-instances';
import { InlinePublishDispatch } from './inline-publish.dispatch';
import { PUBLISH_DISPATCH } from './publish-dispatch';
import { PublishWorker } from './publish.worker';
import { InProcessRateBudget, RATE_BUDGET } from './rate-budget';
import { RedisChannelSlots } from './redis-channel-slots';
import { RedisRateBudget } from './redis-rate-budget';
import { VariantPublisher } from './variant-publisher.service';
import { VARIANT_PUBLISHING_PROVIDERS } from './variant-publishing.providers';

/** Exactly-once publishing of due channel variants through the connectors. */
@Module({
  imports: [ContentModule, EscalationsModule],
  providers: [
    ConnectorInstances,
    ChannelCredentials,
    ...VARIANT_PUBLISHING_PROVIDERS,
    {
      // On Bull the budget lives in Redis so every worker draws on the same one.
      provide: RATE_BUDGET,
      inject: [QUEUE_DRIVER],
      useFactory: (driver: QueueDriver) =>
        driver instanceof BullQueueDriver
          ? new RedisRateBudget(driver.queue('publish').client, `${driver.prefix}:rate-budget`)
          : new InProcessRateBudget(),
    },
    {
      // On Bull a channel's concurrency limit holds across every worker process, also kept in Redis.
      provide: CHANNEL_SLOTS,
      inject: [QUEUE_DRIVER],
      useFactory: (driver: QueueDriver) =>
        driver instanceof BullQueueDriver
          ? new RedisChannelSlots(driver.queue('publish').client, {
              prefix: `${driver.prefix}:channel-slots`,
            })
          : new ChannelSlots(),
    },
  ],
  exports: [ConnectorInstances, VariantPublisher, CHANNEL_SLOTS, ChannelCredentials],
})
export class PublishingModule {}

/** The API role's view of channels: their status, and reconnecting one whose credentials were refused. */
@Module({ imports: [PublishingModule], controllers: [ChannelsController] })
export class ChannelsApiModule {}

/** The worker role's publishing: the inline claim loop, or Bull processors plus the cluster-wide dispatcher. */
@Module({
  imports: [PublishingModule],
  providers: [
    {
      provide: PUBLISH_DISPATCH,
      inject: [QUEUE_DRIVER, VariantPublisher, ClusterLease, Clock],
      useFactory: (driver: QueueDriver, publisher: VariantPublisher, lease: ClusterLease, clock: Clock) =>
        driver instanceof BullQueueDriver
          ? new BullPublishDispatch(driver.queue('publish'), publisher, lease, DEFAULT_BULL_DISPATCH, clock)
          : new InlinePublishDispatch(publisher, clock),
    },
    PublishWorker,
  ],
})
export class PublishWorkerModule {}
