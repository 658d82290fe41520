import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rule firings: a rule fires once per subject until its condition clears. The partial unique index makes
 * that hold across processes. postgres twin of the other dialect's 1795910000000-rule-firings.ts.
 */
export class RuleFirings1795910000000 implements MigrationInterface {
  name = 'RuleFirings1795910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rule_firings" ("id" varchar PRIMARY KEY NOT NULL, "rule" varchar NOT NULL, "subject_key" varchar NOT NULL, "brand_id" varchar, "fired_at" varchar(24) NOT NULL, "cleared_at" varchar(24))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_rule_firings_rule_subject_active" ON "rule_firings" ("rule", "subject_key") WHERE "cleared_at" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "uq_rule_firings_rule_subject_active"`);
    await queryRunner.query(`DROP TABLE "rule_firings"`);
  }
}
