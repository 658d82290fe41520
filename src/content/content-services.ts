import { DataSource } from 'typeorm';
import { ApprovalService } from '../approvals/approval.service';
import { AuditRepository } from '../persistence/audit.repository';
import { PlanSyncService } from './plan-sync.service';
import { PostSlotter } from './post-slotter';
import { PostStateService } from './post-state.service';

/** The content services wired by hand, for CLI commands that run without the Nest application. */
export function createContentServices(dataSource: DataSource): {
  states: PostStateService;
  approvals: ApprovalService;
  planSync: PlanSyncService;
} {
  const audit = new AuditRepository(dataSource);
  const states = new PostStateService(audit);
  const approvals = new ApprovalService(dataSource, states, audit);
  return {
    states,
    approvals,
    planSync: new PlanSyncService(dataSource, states, approvals, audit, new PostSlotter()),
  };
}
