import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replies to inbox items, sent through the channel's connector exactly once (`metronome inbox reply`,
 * `POST /api/v1/inbox/:id/replies`).
 * postgres twin of the other dialect's 1796080000000-inbox-replies.ts.
 */
export class InboxReplies1796080000000 implements MigrationInterface {
  name = 'InboxReplies1796080000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "inbox_replies" ("id" character varying NOT NULL, "item_id" character varying NOT NULL, "channel_id" character varying NOT NULL, "text" text NOT NULL, "idempotency_key" character varying NOT NULL, "state" character varying NOT NULL, "remote_id" character varying, "url" character varying, "attempts" integer NOT NULL, "last_error" text, "requested_by" character varying NOT NULL, "requested_at" character varying(24) NOT NULL, "next_attempt_at" character varying(24) NOT NULL, "sent_at" character varying(24), "updated_at" character varying(24) NOT NULL, CONSTRAINT "pk_inbox_replies" PRIMARY KEY ("id"), ` +
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
