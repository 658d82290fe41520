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
 * postgres twin of the other dialect's 1796040000000-api-token-identity.ts.
 */
export class ApiTokenIdentity1796040000000 implements MigrationInterface {
  name = 'ApiTokenIdentity1796040000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "person" character varying`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "service" character varying`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "scopes" text`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "brands" text`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ADD "admin" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`UPDATE "api_tokens" SET "service" = "name", "scopes" = $1`, [
      SCOPES_AT_MIGRATION,
    ]);
    await queryRunner.query(`ALTER TABLE "api_tokens" ALTER COLUMN "scopes" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "api_tokens" ALTER COLUMN "admin" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "api_token_id" character varying`);
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "on_behalf_by" character varying`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "on_behalf_by"`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "api_token_id"`);
    for (const column of ['admin', 'brands', 'scopes', 'service', 'person']) {
      await queryRunner.query(`ALTER TABLE "api_tokens" DROP COLUMN "${column}"`);
    }
  }
}
