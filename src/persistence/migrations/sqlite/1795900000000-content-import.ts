import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Content import: how a post's time was chosen, why it is in its state, who it is assigned to, per-channel extras. Sqlite twin of migrations/postgres/1795900000000-content-import.ts. */
export class ContentImport1795900000000 implements MigrationInterface {
  name = 'ContentImport1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "posts" ADD "schedule_mode" varchar NOT NULL DEFAULT 'fixed'`);
    await queryRunner.query(`ALTER TABLE "posts" ADD "state_reason" text`);
    await queryRunner.query(`ALTER TABLE "posts" ADD "assignee" varchar`);
    await queryRunner.query(`ALTER TABLE "post_variants" ADD "extra" text NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "post_variants" DROP COLUMN "extra"`);
    await queryRunner.query(`ALTER TABLE "posts" DROP COLUMN "assignee"`);
    await queryRunner.query(`ALTER TABLE "posts" DROP COLUMN "state_reason"`);
    await queryRunner.query(`ALTER TABLE "posts" DROP COLUMN "schedule_mode"`);
  }
}
