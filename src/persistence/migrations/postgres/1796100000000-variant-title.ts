import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SDK 2.2: a variant keeps the title its channel publishes (`overrides.<channel>.title`, else the post's title), so
 * connectors whose posts have one (YouTube, Pinterest, WordPress) receive it in `PublishRequest.title`. Rows written
 * before this migration hold NULL until their file is imported again.
 * postgres twin of the other dialect's 1796100000000-variant-title.ts.
 */
export class VariantTitle1796100000000 implements MigrationInterface {
  name = 'VariantTitle1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "post_variants" ADD "title" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "post_variants" DROP COLUMN "title"`);
  }
}
