import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When this database first saw each brand, so scheduled reports never cover a month before it. Existing brands
 * get the earliest trace they left: their row, their first cycle, post or report.
 * sqlite twin of the other dialect's 1796030000000-brand-first-seen.ts.
 */
export class BrandFirstSeen1796030000000 implements MigrationInterface {
  name = 'BrandFirstSeen1796030000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "brands" ADD "first_seen_at" varchar(24)`);
    await queryRunner.query(
      `UPDATE "brands" SET "first_seen_at" = MIN("updated_at", ` +
        ['cycles', 'posts', 'reports']
          .map(
            (table) =>
              `COALESCE((SELECT MIN("created_at") FROM "${table}" WHERE "brand_id" = "brands"."id"), "updated_at")`,
          )
          .join(', ') +
        ')',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "brands" DROP COLUMN "first_seen_at"`);
  }
}
