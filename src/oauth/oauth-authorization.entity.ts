import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';

/**
 * One pending authorization (`metronome channels connect`), keyed by its `state`: the callback finds it, exchanges
 * the code with its verifier, and completes it once. The PKCE verifier is stored in clear: it lives 10 minutes,
 * is single-use and useless without the authorization code, which only the platform's redirect carries.
 */
@Entity('oauth_authorizations')
// Pruning ended authorizations reads by end.
@Index('idx_oauth_authorizations_expires_at', ['expiresAt'])
export class OAuthAuthorizationEntity {
  /** The random `state` sent on the consent URL (RFC 6749 §10.12). */
  @PrimaryColumn({ type: 'varchar' })
  state!: string;

  @Column({ type: 'varchar' })
  channelId!: string;

  @Column({ type: 'varchar' })
  redirectUri!: string;

  /** The PKCE verifier (RFC 7636), null when the provider takes no PKCE. */
  @Column({ type: 'varchar', nullable: true })
  codeVerifier!: string | null;

  /** The person who asked to connect: the tokens' `connectedBy`. */
  @Column({ type: 'varchar' })
  requestedBy!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  completedAt!: Date | null;

  /** Why it failed (the platform's error, or the token exchange's), for the waiting CLI; never a token. */
  @Column({ type: 'varchar', nullable: true })
  error!: string | null;
}
