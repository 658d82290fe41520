import { Module } from '@nestjs/common';
import { ContentModule } from '../content/content.module';
import { ConnectorInstances } from './connector-instances';
import { PublishWorker } from './publish.worker';
import { VariantPublisher } from './variant-publisher.service';
import { VariantStateService } from './variant-state.service';

/** Exactly-once publishing of due channel variants through the connectors. */
@Module({
  imports: [ContentModule],
  providers: [ConnectorInstances, VariantStateService, VariantPublisher],
  exports: [ConnectorInstances, VariantPublisher],
})
export class PublishingModule {}

/** The worker role's publishing loop. */
@Module({ imports: [PublishingModule], providers: [PublishWorker] })
export class PublishWorkerModule {}
