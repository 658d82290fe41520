import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbox pipeline: replies keep the id of what they answer; items are read per channel by time.
 * Rule firings record when their actions ran (acted_at) and the title the actions use, so actions of a
 * firing committed by a process that died before acting are carried out by the next tick. Firings that
 * existed before have acted already. domain_events is the event outbox (see TransactionalEvents). sqlite twin of the other dialect's 1795920000000-inbox-pipeline.ts.
 */
export class InboxPipeline1795920000000 implements MigrationInterface {
  name = 'InboxPipeline1795920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "inbox_items" ADD COLUMN "in_reply_to_remote_id" varchar`);
    await queryRunner.query(
      `CREATE INDEX "idx_inbox_items_channel_id_received_at" ON "inbox_items" ("channel_id", "received_at")`,
    );
    await queryRunner.query(`ALTER TABLE "rule_firings" ADD COLUMN "title" text`);
    await queryRunner.query(`ALTER TABLE "rule_firings" ADD COLUMN "acted_at" varchar(24)`);
    await queryRunner.query(`UPDATE "rule_firings" SET "acted_at" = "fired_at"`);
    await queryRunner.query(
      `CREATE INDEX "idx_rule_firings_fired_at_pending" ON "rule_firings" ("fired_at") WHERE "acted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "domain_events" ("id" varchar PRIMARY KEY NOT NULL, "type" varchar NOT NULL, "brand_id" varchar NOT NULL, "subject_type" varchar NOT NULL, "subject_id" varchar NOT NULL, "at" varchar(24) NOT NULL, "data" text NOT NULL, "recorded_at" varchar(24) NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_domain_events_recorded_at" ON "domain_events" ("recorded_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_domain_events_recorded_at"`);
    await queryRunner.query(`DROP TABLE "domain_events"`);
    await queryRunner.query(`DROP INDEX "idx_rule_firings_fired_at_pending"`);
    await queryRunner.query(`ALTER TABLE "rule_firings" DROP COLUMN "acted_at"`);
    await queryRunner.query(`ALTER TABLE "rule_firings" DROP COLUMN "title"`);
    await queryRunner.query(`DROP INDEX "idx_inbox_items_channel_id_received_at"`);
    await queryRunner.query(`ALTER TABLE "inbox_items" DROP COLUMN "in_reply_to_remote_id"`);
  }
}
