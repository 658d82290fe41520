import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MetricCollectionRepository } from './metric-collection.repository';
import { MetricsCollector } from './metrics-collector.service';
import { MetricsScheduler } from './metrics.scheduler';

/** Daily metric snapshots through the connectors' `metrics` capability. Needs the global EventsModule. */
@Module({
  imports: [ChannelsModule],
  providers: [MetricCollectionRepository, MetricsCollector],
  exports: [MetricsCollector, MetricCollectionRepository],
})
export class MetricsModule {}

/** The scheduler role's collection tick. */
@Module({ imports: [MetricsModule], providers: [MetricsScheduler] })
export class MetricsSchedulerModule {}
