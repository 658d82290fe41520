import { DataSource } from 'typeorm';
import { ApprovalService } from '../approvals/approval.service';
import { DomainEventBus } from '../events/domain-event.bus';
import { TransactionalEvents } from '../events/transactional-events';
import { AuditRepository } from '../persistence/audit.repository';
import { TransactionContext } from '../persistence/transaction-context';
import { EventOutboxRepository } from '../events/event-outbox.repository';
import { SYSTEM_CLOCK } from '../clock/clock';
import { PlanSyncService } from './plan-sync.service';
import { PostReleaseService } from './post-release.service';
import { PostSlotter } from './post-slotter';
import { PostStateService } from './post-state.service';

export interface ContentServices {
  states: PostStateService;
  approvals: ApprovalService;
  planSync: PlanSyncService;
  release: PostReleaseService;
  events: TransactionalEvents;
}

/**
 * The content services wired by hand, for integration tests and benchmarks that run without Nest (the CLI
 * boots RecordsCliModule instead). Pass the bus whose subscribers (the rule engine) should hear the events.
 * To be deleted once test/publishing and bench/ build their services from ContentModule.
 */
export function createContentServices(dataSource: DataSource, bus = new DomainEventBus()): ContentServices {
  const audit = new AuditRepository(dataSource);
  const tx = new TransactionContext(dataSource);
  const events = new TransactionalEvents(tx, bus, new EventOutboxRepository(tx), SYSTEM_CLOCK);
  const states = new PostStateService(audit, events);
  const approvals = new ApprovalService(states, audit, events);
  return {
    states,
    approvals,
    events,
    release: new PostReleaseService(events, states),
    planSync: new PlanSyncService(dataSource, states, approvals, audit, new PostSlotter(), events),
  };
}
