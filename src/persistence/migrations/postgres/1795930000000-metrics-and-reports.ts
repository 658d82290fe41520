import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metrics collection claims per (channel, day), the latest profile check per channel, and delivery retry
 * state on reports. postgres twin of the other dialect's 1795930000000-metrics-and-reports.ts.
 */
export class MetricsAndReports1795930000000 implements MigrationInterface {
  name = 'MetricsAndReports1795930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "metric_collections" ("channel_id" character varying NOT NULL, "day" character varying NOT NULL, "status" character varying NOT NULL, "attempts" integer NOT NULL, "claimed_at" character varying(24) NOT NULL, "finished_at" character varying(24), "error" text, CONSTRAINT "pk_metric_collections" PRIMARY KEY ("channel_id", "day"), ` +
        `CONSTRAINT "fk_metric_collections_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE TABLE "profile_checks" ("channel_id" character varying NOT NULL, "checked_at" character varying(24) NOT NULL, "differences" text NOT NULL, "error" text, CONSTRAINT "pk_profile_checks" PRIMARY KEY ("channel_id"), ` +
        `CONSTRAINT "fk_profile_checks_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(`ALTER TABLE "reports" ADD "delivery_attempts" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "reports" ADD "next_delivery_at" character varying(24)`);
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
