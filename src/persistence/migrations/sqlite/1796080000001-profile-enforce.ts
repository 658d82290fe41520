import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Profile enforce mode: what the last enforcement of a channel's drift gave (the drift it acted on, the platform's
 * reason when it refused, when to try again), so a refused change is not sent at every check.
 * sqlite twin of the other dialect's 1796080000001-profile-enforce.ts.
 */
export class ProfileEnforce1796080000001 implements MigrationInterface {
  name = 'ProfileEnforce1796080000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "profile_checks" ADD COLUMN "enforce_key" varchar`);
    await queryRunner.query(`ALTER TABLE "profile_checks" ADD COLUMN "enforce_error" text`);
    await queryRunner.query(
      `ALTER TABLE "profile_checks" ADD COLUMN "enforce_failures" integer NOT NULL DEFAULT (0)`,
    );
    await queryRunner.query(`ALTER TABLE "profile_checks" ADD COLUMN "enforce_retry_at" varchar(24)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "profile_checks" DROP COLUMN "enforce_retry_at"`);
    await queryRunner.query(`ALTER TABLE "profile_checks" DROP COLUMN "enforce_failures"`);
    await queryRunner.query(`ALTER TABLE "profile_checks" DROP COLUMN "enforce_error"`);
    await queryRunner.query(`ALTER TABLE "profile_checks" DROP COLUMN "enforce_key"`);
  }
}
