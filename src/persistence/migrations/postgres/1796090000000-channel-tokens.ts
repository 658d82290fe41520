import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth tokens of connected channels, encrypted at rest (AES-256-GCM under METRONOME_SECRET_KEY): only the
 * expiries, whether a refresh token is held, the version and the refresh lease are in clear.
 * postgres twin of the other dialect's 1796090000000-channel-tokens.ts.
 */
export class ChannelTokens1796090000000 implements MigrationInterface {
  name = 'ChannelTokens1796090000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "channel_tokens" ("channel_id" character varying NOT NULL, "key_id" character varying NOT NULL, "iv" character varying NOT NULL, "ciphertext" text NOT NULL, "tag" character varying NOT NULL, "expires_at" character varying(24), "refresh_expires_at" character varying(24), "renewable" boolean NOT NULL, "version" integer NOT NULL, "connected_by" character varying NOT NULL, "connected_at" character varying(24) NOT NULL, "refreshed_at" character varying(24), "refresh_lease_owner" character varying, "refresh_lease_until" character varying(24), CONSTRAINT "pk_channel_tokens" PRIMARY KEY ("channel_id"), ` +
        `CONSTRAINT "fk_channel_tokens_channel_id" FOREIGN KEY ("channel_id") REFERENCES "channels" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "channel_tokens"`);
  }
}
