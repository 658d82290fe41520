import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Post variants are found by (channel, remote id): the publisher checks that a connector's answer is not a remote id
 * another post of the channel already holds (a connector that ignores the idempotency key).
 * postgres twin of the other dialect's 1796060000000-post-variant-remote-id-index.ts.
 */
export class PostVariantRemoteIdIndex1796060000000 implements MigrationInterface {
  name = 'PostVariantRemoteIdIndex1796060000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_post_variants_channel_id_remote_id" ON "post_variants" ("channel_id", "remote_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_post_variants_channel_id_remote_id"`);
  }
}
