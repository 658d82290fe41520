import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cluster leases: one row per piece of cluster-wide periodic work, held by one process until it expires.
 * postgres twin of the other dialect's 1795940000000-cluster-leases.ts.
 */
export class ClusterLeases1795940000000 implements MigrationInterface {
  name = 'ClusterLeases1795940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "cluster_leases" ("name" varchar PRIMARY KEY NOT NULL, "holder" varchar NOT NULL, "expires_at" varchar(24) NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "cluster_leases"`);
  }
}
