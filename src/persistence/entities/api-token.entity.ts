import { randomUUID } from 'node:crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../instant-column.decorator';

@Entity('api_tokens')
// A revoked token's name may be reused.
@Index('uq_api_tokens_name_active', ['name'], { unique: true, where: `"revoked_at" IS NULL` })
@Index('uq_api_tokens_token_hash', ['tokenHash'], { unique: true })
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  name!: string;

  /** sha256 hex of the token; the token itself is never stored. */
  @Column({ type: 'varchar' })
  tokenHash!: string;

  /** First characters of the token, so people can tell tokens apart in listings. */
  @Column({ type: 'varchar' })
  prefix!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  lastUsedAt!: Date | null;

  @InstantColumn({ nullable: true })
  revokedAt!: Date | null;
}
