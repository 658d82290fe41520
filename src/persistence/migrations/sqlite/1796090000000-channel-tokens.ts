import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth tokens of connected channels, encrypted at rest (AES-256-GCM under METRONOME_SECRET_KEY): only the
 * expiries, whether a refresh token is held, the version and the refresh lease are in clear.
 * sqlite twin of the other dialect's 1796090000000-channel-tokens.ts.
 */
export class ChannelTokens1796090000000 implements MigrationInterface {
  name = 'ChannelTokens1796090000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "channel_tokens" ("channel_id" varchar PRIMARY KEY NOT NULL, "key_id" varchar NOT NULL, "iv" varchar NOT NULL, "ciphertext" text NOT NULL, "tag" varchar NOT NULL, "expires_at" varchar(24), "refresh_expires_at" varchar(24), "renewable" boolean NOT NULL, "version" integer NOT NULL, "connected_by" varchar NOT NULL, "connected_at" varchar(24) NOT NULL, "refreshed_at" varchar(24), "refresh_lease_owner" varchar, "refresh_lease_until" varchar(24), ` +
        `CONSTRAINT "fk_channel_tokens_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "channel_tokens"`);
  }
}
