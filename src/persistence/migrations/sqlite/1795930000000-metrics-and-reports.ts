import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metrics collection claims per (channel, day), the latest profile check per channel, and delivery retry
 * state on reports. sqlite twin of the other dialect's 1795930000000-metrics-and-reports.ts.
 */
export class MetricsAndReports1795930000000 implements MigrationInterface {
  name = 'MetricsAndReports1795930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "metric_collections" ("channel_id" varchar NOT NULL, "day" varchar NOT NULL, "status" varchar NOT NULL, "attempts" integer NOT NULL, "claimed_at" varchar(24) NOT NULL, "finished_at" varchar(24), "error" text, PRIMARY KEY ("channel_id", "day"), ` +
        `CONSTRAINT "fk_metric_collections_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE TABLE "profile_checks" ("channel_id" varchar NOT NULL, "checked_at" varchar(24) NOT NULL, "differences" text NOT NULL, "error" text, PRIMARY KEY ("channel_id"), ` +
        `CONSTRAINT "fk_profile_checks_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(`ALTER TABLE "reports" ADD "delivery_attempts" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "reports" ADD "next_delivery_at" varchar(24)`);
    await queryRunner.query(`ALTER TABLE "reports" ADD "delivered_targets" text NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "delivered_targets"`);
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "next_delivery_at"`);
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "delivery_attempts"`);
    await queryRunner.query(`DROP TABLE "profile_checks"`);
    await queryRunner.query(`DROP TABLE "metric_collections"`);
  }
}
