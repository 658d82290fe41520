import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Postgres twin of migrations/sqlite/1795871600000-initial-schema.ts; keep the two in step. */
export class InitialSchema1795871600000 implements MigrationInterface {
  name = 'InitialSchema1795871600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of UP) {
      await queryRunner.query(statement);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}

// Same shape as the SQLite migration (foreign keys inline, named primary keys) so the two read alike.
// Instants are varchar(24) ISO-8601 UTC text and JSON is text: see instant-column.decorator.ts.
const UP = [
  `CREATE TABLE "config_revisions" ("id" character varying NOT NULL, "hash" character varying NOT NULL, "sources" text NOT NULL, "summary" text NOT NULL, "loaded_at" character varying(24) NOT NULL, CONSTRAINT "pk_config_revisions" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "uq_config_revisions_hash" ON "config_revisions" ("hash")`,

  `CREATE TABLE "brands" ("id" character varying NOT NULL, "name" character varying NOT NULL, "timezone" character varying NOT NULL, "owner" character varying NOT NULL, "config_revision_id" character varying NOT NULL, "updated_at" character varying(24) NOT NULL, CONSTRAINT "pk_brands" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_brands_config_revision_id" FOREIGN KEY ("config_revision_id") REFERENCES "config_revisions" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,

  `CREATE TABLE "channels" ("id" character varying NOT NULL, "brand_id" character varying NOT NULL, "key" character varying NOT NULL, "connector" character varying NOT NULL, "status" character varying NOT NULL, "config_revision_id" character varying NOT NULL, "updated_at" character varying(24) NOT NULL, CONSTRAINT "pk_channels" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_channels_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, ` +
    `CONSTRAINT "fk_channels_config_revision_id" FOREIGN KEY ("config_revision_id") REFERENCES "config_revisions" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_channels_brand_id_key" ON "channels" ("brand_id", "key")`,

  `CREATE TABLE "cycles" ("id" character varying NOT NULL, "brand_id" character varying NOT NULL, "period_start" character varying(24) NOT NULL, "period_end" character varying(24) NOT NULL, "stage" character varying NOT NULL, "stage_deadlines" text NOT NULL, "owner" character varying NOT NULL, "created_at" character varying(24) NOT NULL, CONSTRAINT "pk_cycles" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_cycles_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_cycles_brand_id_period_start" ON "cycles" ("brand_id", "period_start")`,

  `CREATE TABLE "posts" ("id" character varying NOT NULL, "brand_id" character varying NOT NULL, "cycle_id" character varying, "source_path" character varying, "source_hash" character varying, "title" character varying NOT NULL, "body" text NOT NULL, "campaign" character varying, "theme" character varying, "funnel_stage" character varying, "publish_at" character varying(24), "state" character varying NOT NULL, "tags" text NOT NULL, "created_at" character varying(24) NOT NULL, "updated_at" character varying(24) NOT NULL, "version" integer NOT NULL, CONSTRAINT "pk_posts" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_posts_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, ` +
    `CONSTRAINT "fk_posts_cycle_id" FOREIGN KEY ("cycle_id") REFERENCES "cycles" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_posts_state_publish_at" ON "posts" ("state", "publish_at")`,
  `CREATE UNIQUE INDEX "uq_posts_brand_id_source_path" ON "posts" ("brand_id", "source_path")`,
  `CREATE INDEX "idx_posts_cycle_id" ON "posts" ("cycle_id")`,

  `CREATE TABLE "post_variants" ("id" character varying NOT NULL, "post_id" character varying NOT NULL, "channel_id" character varying NOT NULL, "state" character varying NOT NULL, "text" text NOT NULL, "media" text NOT NULL, "idempotency_key" character varying NOT NULL, "remote_id" character varying, "remote_url" character varying, "attempts" integer NOT NULL, "last_error" text, "scheduled_at" character varying(24), "published_at" character varying(24), "updated_at" character varying(24) NOT NULL, CONSTRAINT "pk_post_variants" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_post_variants_post_id" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, ` +
    `CONSTRAINT "fk_post_variants_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_post_variants_state_scheduled_at" ON "post_variants" ("state", "scheduled_at")`,
  `CREATE UNIQUE INDEX "uq_post_variants_post_id_channel_id" ON "post_variants" ("post_id", "channel_id")`,
  `CREATE UNIQUE INDEX "uq_post_variants_idempotency_key" ON "post_variants" ("idempotency_key")`,

  `CREATE TABLE "approvals" ("id" character varying NOT NULL, "post_id" character varying NOT NULL, "step_index" integer NOT NULL, "step_name" character varying NOT NULL, "mode" character varying NOT NULL, "approvers" text NOT NULL, "due_at" character varying(24) NOT NULL, "status" character varying NOT NULL, CONSTRAINT "pk_approvals" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_approvals_post_id" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_approvals_post_id_step_index" ON "approvals" ("post_id", "step_index")`,
  `CREATE INDEX "idx_approvals_status_due_at" ON "approvals" ("status", "due_at")`,

  `CREATE TABLE "approval_decisions" ("id" character varying NOT NULL, "approval_id" character varying NOT NULL, "person" character varying NOT NULL, "decision" character varying NOT NULL, "comment" text, "decided_at" character varying(24) NOT NULL, CONSTRAINT "pk_approval_decisions" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_approval_decisions_approval_id" FOREIGN KEY ("approval_id") REFERENCES "approvals" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_approval_decisions_approval_id" ON "approval_decisions" ("approval_id")`,

  `CREATE TABLE "jobs" ("id" character varying NOT NULL, "queue" character varying NOT NULL, "name" character varying NOT NULL, "payload" text NOT NULL, "run_at" character varying(24) NOT NULL, "state" character varying NOT NULL, "attempts" integer NOT NULL, "max_attempts" integer NOT NULL, "unique_key" character varying, "locked_by" character varying, "locked_until" character varying(24), "last_error" text, "created_at" character varying(24) NOT NULL, "updated_at" character varying(24) NOT NULL, CONSTRAINT "pk_jobs" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_jobs_queue_state_run_at" ON "jobs" ("queue", "state", "run_at")`,
  `CREATE UNIQUE INDEX "uq_jobs_unique_key" ON "jobs" ("unique_key")`,

  `CREATE TABLE "incidents" ("id" character varying NOT NULL, "brand_id" character varying, "rule" character varying NOT NULL, "subject_key" character varying NOT NULL, "dedup_key" character varying NOT NULL, "state" character varying NOT NULL, "severity" character varying NOT NULL, "title" character varying NOT NULL, "details" text NOT NULL, "policy_snapshot" text NOT NULL, "level" integer NOT NULL, "next_escalation_at" character varying(24), "opened_at" character varying(24) NOT NULL, "acknowledged_at" character varying(24), "acknowledged_by" character varying, "resolved_at" character varying(24), "resolved_by" character varying, CONSTRAINT "pk_incidents" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_incidents_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_incidents_dedup_key_unresolved" ON "incidents" ("dedup_key") WHERE "state" <> 'resolved'`,
  `CREATE INDEX "idx_incidents_state_next_escalation_at" ON "incidents" ("state", "next_escalation_at")`,

  `CREATE TABLE "incident_notifications" ("id" character varying NOT NULL, "incident_id" character varying NOT NULL, "level" integer NOT NULL, "target" character varying NOT NULL, "channel" character varying NOT NULL, "status" character varying NOT NULL, "error" text, "sent_at" character varying(24) NOT NULL, CONSTRAINT "pk_incident_notifications" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_incident_notifications_incident_id" FOREIGN KEY ("incident_id") REFERENCES "incidents" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_incident_notifications_incident_id" ON "incident_notifications" ("incident_id")`,

  `CREATE TABLE "inbox_items" ("id" character varying NOT NULL, "channel_id" character varying NOT NULL, "remote_id" character varying NOT NULL, "kind" character varying NOT NULL, "author" character varying NOT NULL, "text" text NOT NULL, "url" character varying, "received_at" character varying(24) NOT NULL, "answered_at" character varying(24), "state" character varying NOT NULL, CONSTRAINT "pk_inbox_items" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_inbox_items_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_inbox_items_channel_id_remote_id" ON "inbox_items" ("channel_id", "remote_id")`,
  `CREATE INDEX "idx_inbox_items_state_received_at" ON "inbox_items" ("state", "received_at")`,

  `CREATE TABLE "metric_snapshots" ("id" character varying NOT NULL, "channel_id" character varying NOT NULL, "post_variant_id" character varying, "scope_key" character varying NOT NULL, "day" character varying NOT NULL, "metrics" text NOT NULL, "collected_at" character varying(24) NOT NULL, CONSTRAINT "pk_metric_snapshots" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "chk_metric_snapshots_scope_key" CHECK ("scope_key" = COALESCE("post_variant_id", 'channel')), ` +
    `CONSTRAINT "fk_metric_snapshots_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, ` +
    `CONSTRAINT "fk_metric_snapshots_post_variant_id" FOREIGN KEY ("post_variant_id") REFERENCES "post_variants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_metric_snapshots_channel_id_scope_key_day" ON "metric_snapshots" ("channel_id", "scope_key", "day")`,
  `CREATE INDEX "idx_metric_snapshots_post_variant_id" ON "metric_snapshots" ("post_variant_id")`,

  `CREATE TABLE "reports" ("id" character varying NOT NULL, "brand_id" character varying NOT NULL, "month" character varying NOT NULL, "template" character varying NOT NULL, "status" character varying NOT NULL, "file_path" character varying, "bytes" integer, "error" text, "created_at" character varying(24) NOT NULL, "rendered_at" character varying(24), "delivered_at" character varying(24), CONSTRAINT "pk_reports" PRIMARY KEY ("id"), ` +
    `CONSTRAINT "fk_reports_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_reports_brand_id_month_template" ON "reports" ("brand_id", "month", "template")`,

  `CREATE TABLE "audit_events" ("id" SERIAL NOT NULL, "at" character varying(24) NOT NULL, "actor" character varying NOT NULL, "action" character varying NOT NULL, "subject_type" character varying NOT NULL, "subject_id" character varying NOT NULL, "data" text NOT NULL, CONSTRAINT "pk_audit_events" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_audit_events_subject_type_subject_id" ON "audit_events" ("subject_type", "subject_id")`,

  `CREATE TABLE "api_tokens" ("id" character varying NOT NULL, "name" character varying NOT NULL, "token_hash" character varying NOT NULL, "prefix" character varying NOT NULL, "created_at" character varying(24) NOT NULL, "last_used_at" character varying(24), "revoked_at" character varying(24), CONSTRAINT "pk_api_tokens" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "uq_api_tokens_name_active" ON "api_tokens" ("name") WHERE "revoked_at" IS NULL`,
  `CREATE UNIQUE INDEX "uq_api_tokens_token_hash" ON "api_tokens" ("token_hash")`,

  `CREATE TABLE "plugin_state" ("plugin" character varying NOT NULL, "scope" character varying NOT NULL, "key" character varying NOT NULL, "value" text, "updated_at" character varying(24) NOT NULL, CONSTRAINT "pk_plugin_state" PRIMARY KEY ("plugin", "scope", "key"))`,
];

/** Creation order; dropped in reverse so no foreign key is left dangling. Indexes go with their tables. */
const TABLES = [
  'config_revisions',
  'brands',
  'channels',
  'cycles',
  'posts',
  'post_variants',
  'approvals',
  'approval_decisions',
  'jobs',
  'incidents',
  'incident_notifications',
  'inbox_items',
  'metric_snapshots',
  'reports',
  'audit_events',
  'api_tokens',
  'plugin_state',
];
