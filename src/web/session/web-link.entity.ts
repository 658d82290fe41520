import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../persistence/instant-column.decorator';

/**
 * A one-time link sent to one person: a sign-in link (`purpose` "sign-in"), or a one-click decision in
 * an approval e-mail or chat message (`purpose` e.g. "approve", `subject` the approval step it decides).
 * Keyed by the sha256 of the link's token; single use (`usedAt`), expiring (`expiresAt`).
 */
@Entity('web_links')
@Index('idx_web_links_person', ['person'])
@Index('idx_web_links_expires_at', ['expiresAt'])
export class WebLinkEntity {
  @PrimaryColumn({ type: 'varchar' })
  tokenHash!: string;

  @Column({ type: 'varchar' })
  person!: string;

  @Column({ type: 'varchar' })
  purpose!: string;

  /** What the link acts on (e.g. an approval id), null for a sign-in link. */
  @Column({ type: 'varchar', nullable: true })
  subject!: string | null;

  /** Where to go after a sign-in link (a path on this Metronome), or the action's detail. */
  @Column({ type: 'varchar', nullable: true })
  detail!: string | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  usedAt!: Date | null;
}
