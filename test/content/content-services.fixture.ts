import { Logger, Module, type DynamicModule, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ApprovalService } from '../../src/approvals/approval.service';
import { Clock, SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClockModule } from '../../src/clock/clock.module';
import { ContentModule } from '../../src/content/content.module';
import { PlanSyncService } from '../../src/content/plan-sync.service';
import { PostQueryService } from '../../src/content/post-query.service';
import { PostReleaseService } from '../../src/content/post-release.service';
import { PostStateService } from '../../src/content/post-state.service';
import { DomainEventBus } from '../../src/events/domain-event.bus';
import { EventsModule } from '../../src/events/events.module';
import { TransactionalEvents } from '../../src/events/transactional-events';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';

export interface ContentServices {
  states: PostStateService;
  approvals: ApprovalService;
  planSync: PlanSyncService;
  release: PostReleaseService;
  queries: PostQueryService;
  events: TransactionalEvents;
}

/** The database a test opened itself, provided as PersistenceModule would provide it (which opens its own). */
@Module({})
class OpenedDatabaseModule {
  static of(dataSource: DataSource): DynamicModule {
    return {
      module: OpenedDatabaseModule,
      global: true,
      providers: [{ provide: DataSource, useValue: dataSource }, TransactionContext, AuditRepository],
      exports: [DataSource, TransactionContext, AuditRepository],
    };
  }
}

/**
 * The content services as ContentModule wires them, on a database the test (or benchmark) opened. Pass the bus
 * whose subscribers (the rule engine) should hear the events, and the clock the services read "now" from.
 */
export async function createContentServices(
  dataSource: DataSource,
  bus = new DomainEventBus(),
  clock: Clock = SYSTEM_CLOCK,
): Promise<ContentServices> {
  // Nest's testing builder puts its own (quiet) logger in place for the whole process: compile with it, then give
  // back the one the test had, which may be collecting the logs it asserts on.
  const testsLogger = (Logger as unknown as { staticInstanceRef?: LoggerService }).staticInstanceRef;
  const moduleRef = await Test.createTestingModule({
    imports: [OpenedDatabaseModule.of(dataSource), ClockModule, EventsModule, ContentModule],
  })
    .overrideProvider(DomainEventBus)
    .useValue(bus)
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  Logger.overrideLogger(testsLogger ?? false);
  return {
    states: moduleRef.get(PostStateService),
    approvals: moduleRef.get(ApprovalService),
    planSync: moduleRef.get(PlanSyncService),
    release: moduleRef.get(PostReleaseService),
    queries: moduleRef.get(PostQueryService),
    events: moduleRef.get(TransactionalEvents),
  };
}
