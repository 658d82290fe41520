import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The web app: sessions, one-time links (sign-in, one-click decisions) and calendar feeds.
 * postgres twin of the other dialect's 1796110000000-web-sessions.ts.
 */
export class WebSessions1796110000000 implements MigrationInterface {
  name = 'WebSessions1796110000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "web_sessions" ("token_hash" varchar PRIMARY KEY NOT NULL, "person" varchar NOT NULL, "csrf_token" varchar NOT NULL, "method" varchar NOT NULL, "created_at" varchar(24) NOT NULL, "last_seen_at" varchar(24) NOT NULL, "expires_at" varchar(24) NOT NULL, "ended_at" varchar(24), "user_agent" varchar)`,
    );
    await queryRunner.query(`CREATE INDEX "idx_web_sessions_person" ON "web_sessions" ("person")`);
    await queryRunner.query(`CREATE INDEX "idx_web_sessions_expires_at" ON "web_sessions" ("expires_at")`);
    await queryRunner.query(
      `CREATE TABLE "web_links" ("token_hash" varchar PRIMARY KEY NOT NULL, "person" varchar NOT NULL, "purpose" varchar NOT NULL, "subject" varchar, "detail" varchar, "created_at" varchar(24) NOT NULL, "expires_at" varchar(24) NOT NULL, "used_at" varchar(24))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_web_links_person" ON "web_links" ("person")`);
    await queryRunner.query(`CREATE INDEX "idx_web_links_expires_at" ON "web_links" ("expires_at")`);
    await queryRunner.query(
      `CREATE TABLE "calendar_feeds" ("token_hash" varchar PRIMARY KEY NOT NULL, "person" varchar NOT NULL, "scope" varchar NOT NULL, "brand_id" varchar, "created_at" varchar(24) NOT NULL, "revoked_at" varchar(24))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_calendar_feeds_person" ON "calendar_feeds" ("person")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "calendar_feeds"`);
    await queryRunner.query(`DROP TABLE "web_links"`);
    await queryRunner.query(`DROP TABLE "web_sessions"`);
  }
}
