import { ApiTokenEntity } from './entities/api-token.entity';
import { ApprovalDecisionEntity } from './entities/approval-decision.entity';
import { ApprovalEntity } from './entities/approval.entity';
import { AuditEventEntity } from './entities/audit-event.entity';
import { BrandEntity } from './entities/brand.entity';
import { ChannelEntity } from './entities/channel.entity';
import { ClusterLeaseEntity } from './entities/cluster-lease.entity';
import { ConfigRevisionEntity } from './entities/config-revision.entity';
import { CycleEntity } from './entities/cycle.entity';
import { DomainEventEntity } from './entities/domain-event.entity';
import { InboxItemEntity } from './entities/inbox-item.entity';
import { IncidentNotificationEntity } from './entities/incident-notification.entity';
import { IncidentEntity } from './entities/incident.entity';
import { JobEntity } from './entities/job.entity';
import { MetricCollectionEntity } from './entities/metric-collection.entity';
import { MetricSnapshotEntity } from './entities/metric-snapshot.entity';
import { ProfileCheckEntity } from './entities/profile-check.entity';
import { PluginStateEntity } from './entities/plugin-state.entity';
import { PostVariantEntity } from './entities/post-variant.entity';
import { PostEntity } from './entities/post.entity';
import { ReportEntity } from './entities/report.entity';
import { RuleFiringEntity } from './entities/rule-firing.entity';

/** Listed explicitly rather than globbed, so the same list works from src under Jest and from dist. */
export const ENTITIES = [
  ConfigRevisionEntity,
  BrandEntity,
  ChannelEntity,
  CycleEntity,
  PostEntity,
  PostVariantEntity,
  ApprovalEntity,
  ApprovalDecisionEntity,
  JobEntity,
  IncidentEntity,
  IncidentNotificationEntity,
  InboxItemEntity,
  MetricSnapshotEntity,
  ReportEntity,
  AuditEventEntity,
  ApiTokenEntity,
  PluginStateEntity,
  RuleFiringEntity,
  DomainEventEntity,
  ClusterLeaseEntity,
  MetricCollectionEntity,
  ProfileCheckEntity,
];
