import type { Provider } from '@nestjs/common';
import { ChannelLimits } from './channel-limits';
import { FinishingChecks } from './finishing-checks.service';
import { FinishingVariantRepository } from './finishing-variant.repository';
import { PostVariantRepository } from './post-variant.repository';
import { PublishBatchRepository } from './publish-batch.repository';
import { PublishFailureHandler } from './publish-failure.handler';
import { PublishTimings } from './publish-timings';
import { RateLimitWaits } from './rate-limit-waits';
import { VariantBatchClaim } from './variant-batch-claim';
import { VariantBatchRecord } from './variant-batch-record';
import { VariantPublisher } from './variant-publisher.service';
import { VariantSender } from './variant-sender';
import { VariantSettler } from './variant-settler.service';
import { VariantStateService } from './variant-state.service';

/** The VariantPublisher and its parts (PublishingModule provides them; they need RATE_BUDGET and CHANNEL_SLOTS). */
export const VARIANT_PUBLISHING_PROVIDERS: Provider[] = [
  PostVariantRepository,
  PublishBatchRepository,
  VariantStateService,
  PublishTimings,
  ChannelLimits,
  RateLimitWaits,
  VariantSettler,
  PublishFailureHandler,
  VariantSender,
  VariantBatchClaim,
  VariantBatchRecord,
  FinishingVariantRepository,
  FinishingChecks,
  VariantPublisher,
];
