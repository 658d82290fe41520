import type { DataSource } from 'typeorm';
import type { ConfigService } from '../../src/config/config.service';
import type { PostStateService } from '../../src/content/post-state.service';
import type { TransactionalEvents } from '../../src/events/transactional-events';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { ChannelCredentials } from '../../src/channels/channel-credentials';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { ChannelLimits } from '../../src/publishing/channel-limits';
import { ChannelSlots, type ChannelSlotPool } from '../../src/publishing/channel-slots';
import type { ConnectorInstances } from '../../src/channels/connector-instances';
import { PostVariantRepository } from '../../src/publishing/post-variant.repository';
import { PublishBatchRepository } from '../../src/publishing/publish-batch.repository';
import { PublishFailureHandler } from '../../src/publishing/publish-failure.handler';
import { PublishTimings } from '../../src/publishing/publish-timings';
import { InProcessRateBudget, type RateBudget } from '../../src/publishing/rate-budget';
import { RateLimitWaits } from '../../src/publishing/rate-limit-waits';
import { VariantBatchClaim } from '../../src/publishing/variant-batch-claim';
import { VariantBatchRecord } from '../../src/publishing/variant-batch-record';
import { FinishingChecks } from '../../src/publishing/finishing-checks.service';
import { FinishingVariantRepository } from '../../src/publishing/finishing-variant.repository';
import { VariantPublisher } from '../../src/publishing/variant-publisher.service';
import { VariantSender } from '../../src/publishing/variant-sender';
import { VariantSettler } from '../../src/publishing/variant-settler.service';
import { VariantStateService } from '../../src/publishing/variant-state.service';

/** What a hand-built VariantPublisher stands on; without a budget, slots or credentials, the in-process ones. */
export interface VariantPublisherParts {
  dataSource: DataSource;
  config: ConfigService;
  connectors: ConnectorInstances;
  /** The content services the test (or bench) also uses: their event bus is the one it listens on. */
  content: { states: PostStateService; events: TransactionalEvents };
  budget?: RateBudget;
  slots?: ChannelSlotPool;
  credentials?: ChannelCredentials;
}

/** A VariantStateService on `dataSource` (moves outside a `TransactionContext.run` auto-commit). */
export function variantStatesOn(dataSource: DataSource): VariantStateService {
  return new VariantStateService(
    new PostVariantRepository(new TransactionContext(dataSource)),
    new AuditRepository(dataSource),
  );
}

/** The VariantPublisher PublishingModule provides, wired by hand for suites that build their own services. */
export function buildVariantPublisher(parts: VariantPublisherParts): VariantPublisher {
  const { dataSource, config, connectors } = parts;
  const { states: posts, events } = parts.content;
  const tx = new TransactionContext(dataSource);
  const audit = new AuditRepository(dataSource);
  const variants = new PostVariantRepository(tx);
  const batch = new PublishBatchRepository(tx);
  const states = new VariantStateService(variants, audit);
  const timings = new PublishTimings(config);
  const budget = parts.budget ?? new InProcessRateBudget();
  const limits = new ChannelLimits(config, budget, parts.slots ?? new ChannelSlots());
  const waits = new RateLimitWaits(budget, limits, states, events);
  const credentials = parts.credentials ?? new ChannelCredentials(new ChannelRepository(tx), audit, config);
  const settler = new VariantSettler(config, events, states, variants, posts);
  const failures = new PublishFailureHandler(settler, connectors, credentials, waits);
  return new VariantPublisher(
    variants,
    states,
    timings,
    limits,
    waits,
    new VariantSender(credentials, connectors, limits, states, settler, failures, timings),
    settler,
    failures,
    new VariantBatchClaim(batch, audit, posts, events),
    new VariantBatchRecord(batch, variants, audit, posts, events, settler),
    new FinishingChecks(
      new FinishingVariantRepository(tx),
      connectors,
      credentials,
      limits,
      waits,
      settler,
      timings,
    ),
  );
}
