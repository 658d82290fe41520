import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pending OAuth authorizations (`metronome channels connect`): one row per consent URL, keyed by its state.
 * postgres twin of the other dialect's 1796090000001-oauth-authorizations.ts.
 */
export class OAuthAuthorizations1796090000001 implements MigrationInterface {
  name = 'OAuthAuthorizations1796090000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oauth_authorizations" ("state" varchar PRIMARY KEY NOT NULL, "channel_id" varchar NOT NULL, "redirect_uri" varchar NOT NULL, "code_verifier" varchar, "requested_by" varchar NOT NULL, "created_at" varchar(24) NOT NULL, "expires_at" varchar(24) NOT NULL, "completed_at" varchar(24), "error" varchar)`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_oauth_authorizations_expires_at" ON "oauth_authorizations" ("expires_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "oauth_authorizations"`);
  }
}
