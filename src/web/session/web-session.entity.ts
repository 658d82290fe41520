import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../persistence/instant-column.decorator';

/**
 * A signed-in browser. The cookie holds a random token; the row is keyed by its sha256, so a database
 * leak yields no usable session. A session ends at `expiresAt` (absolute), after the idle limit without a
 * request (`lastSeenAt`), or when `endedAt` is set (sign-out, rotation).
 */
@Entity('web_sessions')
@Index('idx_web_sessions_person', ['person'])
@Index('idx_web_sessions_expires_at', ['expiresAt'])
export class WebSessionEntity {
  /** sha256 hex of the cookie's token. */
  @PrimaryColumn({ type: 'varchar' })
  tokenHash!: string;

  @Column({ type: 'varchar' })
  person!: string;

  /** The token every state-changing form and htmx request carries (synchroniser token). */
  @Column({ type: 'varchar' })
  csrfToken!: string;

  /** How the person signed in: "link", "oidc", "cli-link". */
  @Column({ type: 'varchar' })
  method!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  lastSeenAt!: Date;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  endedAt!: Date | null;

  @Column({ type: 'varchar', nullable: true })
  userAgent!: string | null;
}
