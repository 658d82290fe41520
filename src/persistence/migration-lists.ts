import { InitialSchema1795871600000 as PostgresInitialSchema } from './migrations/postgres/1795871600000-initial-schema';
import { InitialSchema1795871600000 as SqliteInitialSchema } from './migrations/sqlite/1795871600000-initial-schema';
import { ContentImport1795900000000 as PostgresContentImport } from './migrations/postgres/1795900000000-content-import';
import { ContentImport1795900000000 as SqliteContentImport } from './migrations/sqlite/1795900000000-content-import';
import { RuleFirings1795910000000 as PostgresRuleFirings } from './migrations/postgres/1795910000000-rule-firings';
import { RuleFirings1795910000000 as SqliteRuleFirings } from './migrations/sqlite/1795910000000-rule-firings';
import { InboxPipeline1795920000000 as PostgresInboxPipeline } from './migrations/postgres/1795920000000-inbox-pipeline';
import { InboxPipeline1795920000000 as SqliteInboxPipeline } from './migrations/sqlite/1795920000000-inbox-pipeline';
import { MetricsAndReports1795930000000 as PostgresMetricsAndReports } from './migrations/postgres/1795930000000-metrics-and-reports';
import { MetricsAndReports1795930000000 as SqliteMetricsAndReports } from './migrations/sqlite/1795930000000-metrics-and-reports';
import { ClusterLeases1795940000000 as PostgresClusterLeases } from './migrations/postgres/1795940000000-cluster-leases';
import { ClusterLeases1795940000000 as SqliteClusterLeases } from './migrations/sqlite/1795940000000-cluster-leases';
import { BrandFirstSeen1796030000000 as PostgresBrandFirstSeen } from './migrations/postgres/1796030000000-brand-first-seen';
import { BrandFirstSeen1796030000000 as SqliteBrandFirstSeen } from './migrations/sqlite/1796030000000-brand-first-seen';
import { ApiTokenIdentity1796040000000 as PostgresApiTokenIdentity } from './migrations/postgres/1796040000000-api-token-identity';
import { ApiTokenIdentity1796040000000 as SqliteApiTokenIdentity } from './migrations/sqlite/1796040000000-api-token-identity';
import { ChannelCredentialsVersion1796050000000 as PostgresChannelCredentialsVersion } from './migrations/postgres/1796050000000-channel-credentials-version';
import { ChannelCredentialsVersion1796050000000 as SqliteChannelCredentialsVersion } from './migrations/sqlite/1796050000000-channel-credentials-version';
import { VariantRemoteHandle1796070000000 as PostgresVariantRemoteHandle } from './migrations/postgres/1796070000000-variant-remote-handle';
import { VariantRemoteHandle1796070000000 as SqliteVariantRemoteHandle } from './migrations/sqlite/1796070000000-variant-remote-handle';
import { InboxReplies1796080000000 as PostgresInboxReplies } from './migrations/postgres/1796080000000-inbox-replies';
import { InboxReplies1796080000000 as SqliteInboxReplies } from './migrations/sqlite/1796080000000-inbox-replies';
import { ProfileEnforce1796080000001 as PostgresProfileEnforce } from './migrations/postgres/1796080000001-profile-enforce';
import { ProfileEnforce1796080000001 as SqliteProfileEnforce } from './migrations/sqlite/1796080000001-profile-enforce';
import { ChannelTokens1796090000000 as PostgresChannelTokens } from './migrations/postgres/1796090000000-channel-tokens';
import { ChannelTokens1796090000000 as SqliteChannelTokens } from './migrations/sqlite/1796090000000-channel-tokens';
import { OAuthAuthorizations1796090000001 as PostgresOAuthAuthorizations } from './migrations/postgres/1796090000001-oauth-authorizations';
import { OAuthAuthorizations1796090000001 as SqliteOAuthAuthorizations } from './migrations/sqlite/1796090000001-oauth-authorizations';
import { VariantTitle1796100000000 as PostgresVariantTitle } from './migrations/postgres/1796100000000-variant-title';
import { VariantTitle1796100000000 as SqliteVariantTitle } from './migrations/sqlite/1796100000000-variant-title';
import { WebSessions1796110000000 as PostgresWebSessions } from './migrations/postgres/1796110000000-web-sessions';
import { WebSessions1796110000000 as SqliteWebSessions } from './migrations/sqlite/1796110000000-web-sessions';
import { InboxAssignee1796110000001 as PostgresInboxAssignee } from './migrations/postgres/1796110000001-inbox-assignee';
import { InboxAssignee1796110000001 as SqliteInboxAssignee } from './migrations/sqlite/1796110000001-inbox-assignee';

/** Each dialect has its own hand-written migrations; append new ones, never edit a committed one. */
export const SQLITE_MIGRATIONS = [
  SqliteInitialSchema,
  SqliteContentImport,
  SqliteRuleFirings,
  SqliteInboxPipeline,
  SqliteMetricsAndReports,
  SqliteClusterLeases,
  SqliteBrandFirstSeen,
  SqliteApiTokenIdentity,
  SqliteChannelCredentialsVersion,
  SqliteVariantRemoteHandle,
  SqliteInboxReplies,
  SqliteProfileEnforce,
  SqliteChannelTokens,
  SqliteOAuthAuthorizations,
  SqliteVariantTitle,
  SqliteWebSessions,
  SqliteInboxAssignee,
];

export const POSTGRES_MIGRATIONS = [
  PostgresInitialSchema,
  PostgresContentImport,
  PostgresRuleFirings,
  PostgresInboxPipeline,
  PostgresMetricsAndReports,
  PostgresClusterLeases,
  PostgresBrandFirstSeen,
  PostgresApiTokenIdentity,
  PostgresChannelCredentialsVersion,
  PostgresVariantRemoteHandle,
  PostgresInboxReplies,
  PostgresProfileEnforce,
  PostgresChannelTokens,
  PostgresOAuthAuthorizations,
  PostgresVariantTitle,
  PostgresWebSessions,
  PostgresInboxAssignee,
];
