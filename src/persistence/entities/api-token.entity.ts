import { randomUUID } from 'node:crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../instant-column.decorator';

/**
 * An API token and who it is: a person of the config (`person`) or a named service (`service`), never
 * both. What it may do is its `scopes` (e.g. "approvals:write"), on which brands (`brands`, null = all);
 * `admin` tokens may also act explicitly on behalf of a person, which the audit records as such.
 */
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

  /** The person (a `people:` id) this token acts for; null for a service token. */
  @Column({ type: 'varchar', nullable: true })
  person!: string | null;

  /** The service this token is (e.g. "ci-bot"); null for a person's token. */
  @Column({ type: 'varchar', nullable: true })
  service!: string | null;

  /** "<area>:read" / "<area>:write"; write includes read. */
  @Column({ type: 'simple-json' })
  scopes!: string[];

  /** Brand ids the token sees and acts on; null = every brand. */
  @Column({ type: 'simple-json', nullable: true })
  brands!: string[] | null;

  /** May act on behalf of any person (`onBehalfOf` in a request body). */
  @Column({ type: 'boolean' })
  admin!: boolean;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  lastUsedAt!: Date | null;

  @InstantColumn({ nullable: true })
  revokedAt!: Date | null;
}
