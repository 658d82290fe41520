import { Module } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { ChannelsModule } from '../channels/channels.module';
import { ClusterLease } from '../cluster/cluster-lease.service';
import { ContentModule } from '../content/content.module';
import { EscalationsModule } from '../escalations/escalations.module';
import { QUEUE_DRIVER } from '../queue/queue-driver';
import { CHANNEL_SLOTS } from './channel-slots';
import { PUBLISH_DISPATCH } from './publish-dispatch';
import { PublishWorker } from './publish.worker';
import { PUBLISHING_DRIVER, publishingDriverFor, type PublishingDriver } from './publishing-driver';
import { RATE_BUDGET } from './rate-budget';
import { VariantPublisher } from './variant-publisher.service';
import { VARIANT_PUBLISHING_PROVIDERS } from './variant-publishing.providers';

/** Exactly-once publishing of due channel variants through the channels' connectors. */
@Module({
  imports: [ContentModule, EscalationsModule, ChannelsModule],
  providers: [
    ...VARIANT_PUBLISHING_PROVIDERS,
    { provide: PUBLISHING_DRIVER, inject: [QUEUE_DRIVER], useFactory: publishingDriverFor },
    {
      provide: RATE_BUDGET,
      inject: [PUBLISHING_DRIVER],
      useFactory: (driver: PublishingDriver) => driver.rateBudget,
    },
    {
      provide: CHANNEL_SLOTS,
      inject: [PUBLISHING_DRIVER],
      useFactory: (driver: PublishingDriver) => driver.channelSlots,
    },
  ],
  exports: [VariantPublisher, CHANNEL_SLOTS, PUBLISHING_DRIVER],
})
export class PublishingModule {}

/** The worker role's publishing: the inline claim loop, or Bull processors plus the cluster-wide dispatcher. */
@Module({
  imports: [PublishingModule],
  providers: [
    {
      provide: PUBLISH_DISPATCH,
      inject: [PUBLISHING_DRIVER, VariantPublisher, ClusterLease, Clock],
      useFactory: (
        driver: PublishingDriver,
        publisher: VariantPublisher,
        lease: ClusterLease,
        clock: Clock,
      ) => driver.dispatch({ publisher, lease, clock }),
    },
    PublishWorker,
  ],
})
export class PublishWorkerModule {}
