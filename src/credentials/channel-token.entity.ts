import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { ChannelEntity } from '../channels/channel.entity';
import { InstantColumn } from '../persistence/instant-column.decorator';

/**
 * A channel's OAuth tokens, encrypted (AES-256-GCM, see token-cipher.ts). Only what the refresher must see
 * without the key is in clear: the expiries, whether a refresh token is held, the version and the lease.
 * Read and written by DatabaseCredentialStore in plain SQL; the entity documents the table and lets TypeORM
 * know it (schema checks).
 */
@Entity('channel_tokens')
export class ChannelTokenEntity {
  @PrimaryColumn({ type: 'varchar' })
  @ForeignKey(() => ChannelEntity, { onDelete: 'CASCADE' })
  channelId!: string;

  /** Which key encrypted the row (first 12 hex of its SHA-256), for rotation and for a clear error. */
  @Column({ type: 'varchar' })
  keyId!: string;

  /** Base64 of the 12-byte IV, the ciphertext and the 16-byte GCM tag. */
  @Column({ type: 'varchar' })
  iv!: string;

  @Column({ type: 'text' })
  ciphertext!: string;

  @Column({ type: 'varchar' })
  tag!: string;

  @InstantColumn({ nullable: true })
  expiresAt!: Date | null;

  @InstantColumn({ nullable: true })
  refreshExpiresAt!: Date | null;

  @Column({ type: 'boolean' })
  renewable!: boolean;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar' })
  connectedBy!: string;

  @InstantColumn()
  connectedAt!: Date;

  @InstantColumn({ nullable: true })
  refreshedAt!: Date | null;

  @Column({ type: 'varchar', nullable: true })
  refreshLeaseOwner!: string | null;

  @InstantColumn({ nullable: true })
  refreshLeaseUntil!: Date | null;
}
