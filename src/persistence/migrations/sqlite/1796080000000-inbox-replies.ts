import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replies to inbox items, sent through the channel's connector exactly once (`metronome inbox reply`,
 * `POST /api/v1/inbox/:id/replies`).
 * sqlite twin of the other dialect's 1796080000000-inbox-replies.ts.
 */
export class InboxReplies1796080000000 implements MigrationInterface {
  name = 'InboxReplies1796080000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "inbox_replies" ("id" varchar PRIMARY KEY NOT NULL, "item_id" varchar NOT NULL, "channel_id" varchar NOT NULL, "text" text NOT NULL, "idempotency_key" varchar NOT NULL, "state" varchar NOT NULL, "remote_id" varchar, "url" varchar, "attempts" integer NOT NULL, "last_error" text, "requested_by" varchar NOT NULL, "requested_at" varchar(24) NOT NULL, "next_attempt_at" varchar(24) NOT NULL, "sent_at" varchar(24), "updated_at" varchar(24) NOT NULL, ` +
        `CONSTRAINT "fk_inbox_replies_item_id" FOREIGN KEY ("item_id") REFERENCES "inbox_items" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION, ` +
        `CONSTRAINT "fk_inbox_replies_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_inbox_replies_idempotency_key" ON "inbox_replies" ("idempotency_key")`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_inbox_replies_state_next_attempt_at" ON "inbox_replies" ("state", "next_attempt_at")`,
    );
    await queryRunner.query(`CREATE INDEX "idx_inbox_replies_item_id" ON "inbox_replies" ("item_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_inbox_replies_item_id"`);
    await queryRunner.query(`DROP INDEX "idx_inbox_replies_state_next_attempt_at"`);
    await queryRunner.query(`DROP INDEX "uq_inbox_replies_idempotency_key"`);
    await queryRunner.query(`DROP TABLE "inbox_replies"`);
  }
}
