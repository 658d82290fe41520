import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channels count how often their credentials were renewed (`metronome channels reconnect`): every process that
 * built a connector instance with an older count re-reads the channel's secrets and builds it again.
 * postgres twin of the other dialect's 1796050000000-channel-credentials-version.ts.
 */
export class ChannelCredentialsVersion1796050000000 implements MigrationInterface {
  name = 'ChannelCredentialsVersion1796050000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" ADD "credentials_version" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "channels" DROP COLUMN "credentials_version"`);
  }
}
