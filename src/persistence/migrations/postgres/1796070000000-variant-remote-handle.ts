import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two-step publishing (SDK 2): a variant a connector answered "accepted, finishing" keeps the platform's handle,
 * when it was accepted (the give-up clock) and when to ask `status(handle)` next. Post variants are also found
 * by (channel, remote id): a batch of publishes is checked against remote ids other posts of the channel hold. The index is partial (only
 * rows that hold a remote id): a full one cost about 15% of the bare publish transitions, as every publish moved the
 * row's entry out of the run of NULLs.
 * postgres twin of the other dialect's 1796070000000-variant-remote-handle.ts.
 */
export class VariantRemoteHandle1796070000000 implements MigrationInterface {
  name = 'VariantRemoteHandle1796070000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "post_variants" ADD "remote_handle" character varying`);
    await queryRunner.query(`ALTER TABLE "post_variants" ADD "accepted_at" character varying(24)`);
    await queryRunner.query(`ALTER TABLE "post_variants" ADD "next_check_at" character varying(24)`);
    await queryRunner.query(
      `CREATE INDEX "idx_post_variants_channel_id_remote_id" ON "post_variants" ("channel_id", "remote_id") WHERE "remote_id" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_post_variants_channel_id_remote_id"`);
    await queryRunner.query(`ALTER TABLE "post_variants" DROP COLUMN "next_check_at"`);
    await queryRunner.query(`ALTER TABLE "post_variants" DROP COLUMN "accepted_at"`);
    await queryRunner.query(`ALTER TABLE "post_variants" DROP COLUMN "remote_handle"`);
  }
}
