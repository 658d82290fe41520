import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who is to answer an inbox item (the web app's Inbox and `POST /api/v1/inbox/:id/assign`).
 * sqlite twin of the other dialect's 1796110000001-inbox-assignee.ts.
 */
export class InboxAssignee1796110000001 implements MigrationInterface {
  name = 'InboxAssignee1796110000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "inbox_items" ADD COLUMN "assignee" varchar`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "inbox_items" DROP COLUMN "assignee"`);
  }
}
