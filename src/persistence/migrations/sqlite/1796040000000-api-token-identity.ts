import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every scope there was when tokens got scopes. Tokens made before had no limits, so they keep every one
 * of these, become service tokens named after themselves, and are not admins: they can no longer act as
 * a person named in a request body (a person-bound token or an admin's explicit `onBehalfOf` can).
 */
const SCOPES_AT_MIGRATION = JSON.stringify([
  'system:read',
  'posts:read',
  'posts:write',
  'content:read',
  'content:write',
  'approvals:read',
  'approvals:write',
  'channels:read',
  'channels:write',
  'inbox:read',
  'inbox:write',
  'incidents:read',
  'incidents:write',
  'reports:read',
  'reports:write',
]);

/**
 * API tokens get an identity (a person or a service), scopes, brands and the admin flag; audit events
 * record the token a change came through and who acted on behalf of whom.
 * sqlite twin of the other dialect's 1796040000000-api-token-identity.ts. SQLite cannot add a NOT NULL
 * column without a default, so api_tokens is rebuilt.
 */
export class ApiTokenIdentity1796040000000 implements MigrationInterface {
  name = 'ApiTokenIdentity1796040000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "temporary_api_tokens" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar NOT NULL, "token_hash" varchar NOT NULL, "prefix" varchar NOT NULL, "person" varchar, "service" varchar, "scopes" text NOT NULL, "brands" text, "admin" boolean NOT NULL, "created_at" varchar(24) NOT NULL, "last_used_at" varchar(24), "revoked_at" varchar(24))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_api_tokens" ("id", "name", "token_hash", "prefix", "person", "service", "scopes", "brands", "admin", "created_at", "last_used_at", "revoked_at") ` +
        `SELECT "id", "name", "token_hash", "prefix", NULL, "name", ?, NULL, 0, "created_at", "last_used_at", "revoked_at" FROM "api_tokens"`,
      [SCOPES_AT_MIGRATION],
    );
    await queryRunner.query(`DROP TABLE "api_tokens"`);
    await queryRunner.query(`ALTER TABLE "temporary_api_tokens" RENAME TO "api_tokens"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_api_tokens_name_active" ON "api_tokens" ("name") WHERE "revoked_at" IS NULL`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_tokens_token_hash" ON "api_tokens" ("token_hash")`);
    await queryRunner.query(`ALTER TABLE "audit_events" ADD COLUMN "api_token_id" varchar`);
    await queryRunner.query(`ALTER TABLE "audit_events" ADD COLUMN "on_behalf_by" varchar`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "on_behalf_by"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "api_token_id"`);
    await queryRunner.query(
      `CREATE TABLE "temporary_api_tokens" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar NOT NULL, "token_hash" varchar NOT NULL, "prefix" varchar NOT NULL, "created_at" varchar(24) NOT NULL, "last_used_at" varchar(24), "revoked_at" varchar(24))`,
    );
    await queryRunner.query(
      `INSERT INTO "temporary_api_tokens" SELECT "id", "name", "token_hash", "prefix", "created_at", "last_used_at", "revoked_at" FROM "api_tokens"`,
    );
    await queryRunner.query(`DROP TABLE "api_tokens"`);
    await queryRunner.query(`ALTER TABLE "temporary_api_tokens" RENAME TO "api_tokens"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_api_tokens_name_active" ON "api_tokens" ("name") WHERE "revoked_at" IS NULL`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_tokens_token_hash" ON "api_tokens" ("token_hash")`);
  }
}
