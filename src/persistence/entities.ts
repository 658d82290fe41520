import { ApiTokenEntity } from './entities/api-token.entity';
import { ApprovalDecisionEntity } from '../approvals/approval-decision.entity';
import { ApprovalEntity } from '../approvals/approval.entity';
import { AuditEventEntity } from './entities/audit-event.entity';
import { BrandEntity } from './entities/brand.entity';
import { ChannelEntity } from '../channels/channel.entity';
import { ChannelTokenEntity } from '../credentials/channel-token.entity';
import { ClusterLeaseEntity } from '../cluster/cluster-lease.entity';
import { ConfigRevisionEntity } from './entities/config-revision.entity';
import { CycleEntity } from '../cycles/cycle.entity';
import { DomainEventEntity } from '../events/domain-event.entity';
import { InboxItemEntity } from '../inbox/inbox-item.entity';
import { InboxReplyEntity } from '../inbox/inbox-reply.entity';
import { IncidentNotificationEntity } from '../escalations/incident-notification.entity';
import { IncidentEntity } from '../escalations/incident.entity';
import { JobEntity } from '../queue/job.entity';
import { MetricCollectionEntity } from '../metrics/metric-collection.entity';
import { MetricSnapshotEntity } from '../metrics/metric-snapshot.entity';
import { ProfileCheckEntity } from '../profiles/profile-check.entity';
import { PluginStateEntity } from './entities/plugin-state.entity';
import { PostVariantEntity } from '../publishing/post-variant.entity';
import { PostEntity } from '../content/post.entity';
import { ReportEntity } from '../reporting/report.entity';
import { OAuthAuthorizationEntity } from '../oauth/oauth-authorization.entity';
import { RuleFiringEntity } from '../rules/rule-firing.entity';
import { CalendarFeedEntity } from '../web/session/calendar-feed.entity';
import { WebLinkEntity } from '../web/session/web-link.entity';
import { WebSessionEntity } from '../web/session/web-session.entity';

/** Listed explicitly rather than globbed, so the same list works from src under Jest and from dist. */
export const ENTITIES = [
  ConfigRevisionEntity,
  BrandEntity,
  ChannelEntity,
  ChannelTokenEntity,
  CycleEntity,
  PostEntity,
  PostVariantEntity,
  ApprovalEntity,
  ApprovalDecisionEntity,
  JobEntity,
  IncidentEntity,
  IncidentNotificationEntity,
  InboxItemEntity,
  InboxReplyEntity,
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
  OAuthAuthorizationEntity,
  WebSessionEntity,
  WebLinkEntity,
  CalendarFeedEntity,
];
