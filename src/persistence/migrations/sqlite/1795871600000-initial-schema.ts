import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SQLite twin of migrations/postgres/1795871600000-initial-schema.ts; keep the two in step. */
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

// Foreign keys are declared inline because SQLite cannot add them to an existing table.
// Instants are varchar(24) ISO-8601 UTC text and JSON is text: see instant-column.decorator.ts.
const UP = [
  `CREATE TABLE "config_revisions" ("id" varchar PRIMARY KEY NOT NULL, "hash" varchar NOT NULL, "sources" text NOT NULL, "summary" text NOT NULL, "loaded_at" varchar(24) NOT NULL)`,
  `CREATE UNIQUE INDEX "uq_config_revisions_hash" ON "config_revisions" ("hash")`,

  `CREATE TABLE "brands" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar NOT NULL, "timezone" varchar NOT NULL, "owner" varchar NOT NULL, "config_revision_id" varchar NOT NULL, "updated_at" varchar(24) NOT NULL, ` +
    `CONSTRAINT "fk_brands_config_revision_id" FOREIGN KEY ("config_revision_id") REFERENCES "config_revisions" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,

  `CREATE TABLE "channels" ("id" varchar PRIMARY KEY NOT NULL, "brand_id" varchar NOT NULL, "key" varchar NOT NULL, "connector" varchar NOT NULL, "status" varchar NOT NULL, "config_revision_id" varchar NOT NULL, "updated_at" varchar(24) NOT NULL, ` +
    `CONSTRAINT "fk_channels_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, ` +
    `CONSTRAINT "fk_channels_config_revision_id" FOREIGN KEY ("config_revision_id") REFERENCES "config_revisions" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_channels_brand_id_key" ON "channels" ("brand_id", "key")`,

  `CREATE TABLE "cycles" ("id" varchar PRIMARY KEY NOT NULL, "brand_id" varchar NOT NULL, "period_start" varchar(24) NOT NULL, "period_end" varchar(24) NOT NULL, "stage" varchar NOT NULL, "stage_deadlines" text NOT NULL, "owner" varchar NOT NULL, "created_at" varchar(24) NOT NULL, ` +
    `CONSTRAINT "fk_cycles_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_cycles_brand_id_period_start" ON "cycles" ("brand_id", "period_start")`,

  `CREATE TABLE "posts" ("id" varchar PRIMARY KEY NOT NULL, "brand_id" varchar NOT NULL, "cycle_id" varchar, "source_path" varchar, "source_hash" varchar, "title" varchar NOT NULL, "body" text NOT NULL, "campaign" varchar, "theme" varchar, "funnel_stage" varchar, "publish_at" varchar(24), "state" varchar NOT NULL, "tags" text NOT NULL, "created_at" varchar(24) NOT NULL, "updated_at" varchar(24) NOT NULL, "version" integer NOT NULL, ` +
    `CONSTRAINT "fk_posts_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, ` +
    `CONSTRAINT "fk_posts_cycle_id" FOREIGN KEY ("cycle_id") REFERENCES "cycles" ("id") ON DELETE SET NULL ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_posts_state_publish_at" ON "posts" ("state", "publish_at")`,
  `CREATE UNIQUE INDEX "uq_posts_brand_id_source_path" ON "posts" ("brand_id", "source_path")`,
  `CREATE INDEX "idx_posts_cycle_id" ON "posts" ("cycle_id")`,

  `CREATE TABLE "post_variants" ("id" varchar PRIMARY KEY NOT NULL, "post_id" varchar NOT NULL, "channel_id" varchar NOT NULL, "state" varchar NOT NULL, "text" text NOT NULL, "media" text NOT NULL, "idempotency_key" varchar NOT NULL, "remote_id" varchar, "remote_url" varchar, "attempts" integer NOT NULL, "last_error" text, "scheduled_at" varchar(24), "published_at" varchar(24), "updated_at" varchar(24) NOT NULL, ` +
    `CONSTRAINT "fk_post_variants_post_id" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, ` +
    `CONSTRAINT "fk_post_variants_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_post_variants_state_scheduled_at" ON "post_variants" ("state", "scheduled_at")`,
  `CREATE UNIQUE INDEX "uq_post_variants_post_id_channel_id" ON "post_variants" ("post_id", "channel_id")`,
  `CREATE UNIQUE INDEX "uq_post_variants_idempotency_key" ON "post_variants" ("idempotency_key")`,

  `CREATE TABLE "approvals" ("id" varchar PRIMARY KEY NOT NULL, "post_id" varchar NOT NULL, "step_index" integer NOT NULL, "step_name" varchar NOT NULL, "mode" varchar NOT NULL, "approvers" text NOT NULL, "due_at" varchar(24) NOT NULL, "status" varchar NOT NULL, ` +
    `CONSTRAINT "fk_approvals_post_id" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_approvals_post_id_step_index" ON "approvals" ("post_id", "step_index")`,
  `CREATE INDEX "idx_approvals_status_due_at" ON "approvals" ("status", "due_at")`,

  `CREATE TABLE "approval_decisions" ("id" varchar PRIMARY KEY NOT NULL, "approval_id" varchar NOT NULL, "person" varchar NOT NULL, "decision" varchar NOT NULL, "comment" text, "decided_at" varchar(24) NOT NULL, ` +
    `CONSTRAINT "fk_approval_decisions_approval_id" FOREIGN KEY ("approval_id") REFERENCES "approvals" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_approval_decisions_approval_id" ON "approval_decisions" ("approval_id")`,

  `CREATE TABLE "jobs" ("id" varchar PRIMARY KEY NOT NULL, "queue" varchar NOT NULL, "name" varchar NOT NULL, "payload" text NOT NULL, "run_at" varchar(24) NOT NULL, "state" varchar NOT NULL, "attempts" integer NOT NULL, "max_attempts" integer NOT NULL, "unique_key" varchar, "locked_by" varchar, "locked_until" varchar(24), "last_error" text, "created_at" varchar(24) NOT NULL, "updated_at" varchar(24) NOT NULL)`,
  `CREATE INDEX "idx_jobs_queue_state_run_at" ON "jobs" ("queue", "state", "run_at")`,
  `CREATE UNIQUE INDEX "uq_jobs_unique_key" ON "jobs" ("unique_key")`,

  `CREATE TABLE "incidents" ("id" varchar PRIMARY KEY NOT NULL, "brand_id" varchar, "rule" varchar NOT NULL, "subject_key" varchar NOT NULL, "dedup_key" varchar NOT NULL, "state" varchar NOT NULL, "severity" varchar NOT NULL, "title" varchar NOT NULL, "details" text NOT NULL, "policy_snapshot" text NOT NULL, "level" integer NOT NULL, "next_escalation_at" varchar(24), "opened_at" varchar(24) NOT NULL, "acknowledged_at" varchar(24), "acknowledged_by" varchar, "resolved_at" varchar(24), "resolved_by" varchar, ` +
    `CONSTRAINT "fk_incidents_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_incidents_dedup_key_unresolved" ON "incidents" ("dedup_key") WHERE "state" <> 'resolved'`,
  `CREATE INDEX "idx_incidents_state_next_escalation_at" ON "incidents" ("state", "next_escalation_at")`,

  `CREATE TABLE "incident_notifications" ("id" varchar PRIMARY KEY NOT NULL, "incident_id" varchar NOT NULL, "level" integer NOT NULL, "target" varchar NOT NULL, "channel" varchar NOT NULL, "status" varchar NOT NULL, "error" text, "sent_at" varchar(24) NOT NULL, ` +
    `CONSTRAINT "fk_incident_notifications_incident_id" FOREIGN KEY ("incident_id") REFERENCES "incidents" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_incident_notifications_incident_id" ON "incident_notifications" ("incident_id")`,

  `CREATE TABLE "inbox_items" ("id" varchar PRIMARY KEY NOT NULL, "channel_id" varchar NOT NULL, "remote_id" varchar NOT NULL, "kind" varchar NOT NULL, "author" varchar NOT NULL, "text" text NOT NULL, "url" varchar, "received_at" varchar(24) NOT NULL, "answered_at" varchar(24), "state" varchar NOT NULL, ` +
    `CONSTRAINT "fk_inbox_items_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_inbox_items_channel_id_remote_id" ON "inbox_items" ("channel_id", "remote_id")`,
  `CREATE INDEX "idx_inbox_items_state_received_at" ON "inbox_items" ("state", "received_at")`,

  `CREATE TABLE "metric_snapshots" ("id" varchar PRIMARY KEY NOT NULL, "channel_id" varchar NOT NULL, "post_variant_id" varchar, "scope_key" varchar NOT NULL, "day" varchar NOT NULL, "metrics" text NOT NULL, "collected_at" varchar(24) NOT NULL, ` +
    `CONSTRAINT "chk_metric_snapshots_scope_key" CHECK ("scope_key" = COALESCE("post_variant_id", 'channel')), ` +
    `CONSTRAINT "fk_metric_snapshots_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, ` +
    `CONSTRAINT "fk_metric_snapshots_post_variant_id" FOREIGN KEY ("post_variant_id") REFERENCES "post_variants" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_metric_snapshots_channel_id_scope_key_day" ON "metric_snapshots" ("channel_id", "scope_key", "day")`,
  `CREATE INDEX "idx_metric_snapshots_post_variant_id" ON "metric_snapshots" ("post_variant_id")`,

  `CREATE TABLE "reports" ("id" varchar PRIMARY KEY NOT NULL, "brand_id" varchar NOT NULL, "month" varchar NOT NULL, "template" varchar NOT NULL, "status" varchar NOT NULL, "file_path" varchar, "bytes" integer, "error" text, "created_at" varchar(24) NOT NULL, "rendered_at" varchar(24), "delivered_at" varchar(24), ` +
    `CONSTRAINT "fk_reports_brand_id" FOREIGN KEY ("brand_id") REFERENCES "brands" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_reports_brand_id_month_template" ON "reports" ("brand_id", "month", "template")`,

  `CREATE TABLE "audit_events" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" varchar(24) NOT NULL, "actor" varchar NOT NULL, "action" varchar NOT NULL, "subject_type" varchar NOT NULL, "subject_id" varchar NOT NULL, "data" text NOT NULL)`,
  `CREATE INDEX "idx_audit_events_subject_type_subject_id" ON "audit_events" ("subject_type", "subject_id")`,

  `CREATE TABLE "api_tokens" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar NOT NULL, "token_hash" varchar NOT NULL, "prefix" varchar NOT NULL, "created_at" varchar(24) NOT NULL, "last_used_at" varchar(24), "revoked_at" varchar(24))`,
  `CREATE UNIQUE INDEX "uq_api_tokens_name_active" ON "api_tokens" ("name") WHERE "revoked_at" IS NULL`,
  `CREATE UNIQUE INDEX "uq_api_tokens_token_hash" ON "api_tokens" ("token_hash")`,

  `CREATE TABLE "plugin_state" ("plugin" varchar NOT NULL, "scope" varchar NOT NULL, "key" varchar NOT NULL, "value" text, "updated_at" varchar(24) NOT NULL, PRIMARY KEY ("plugin", "scope", "key"))`,
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
