import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../../persistence/instant-column.decorator';

/**
 * A calendar subscription (ICS) at a secret URL: one brand's feed, or one person's. Keyed by the sha256 of
 * the URL's token; revoking sets `revokedAt` and the URL answers 404 from then on.
 */
@Entity('calendar_feeds')
@Index('idx_calendar_feeds_person', ['person'])
export class CalendarFeedEntity {
  @PrimaryColumn({ type: 'varchar' })
  tokenHash!: string;

  /** Who created it: the feed shows only what this person may see. */
  @Column({ type: 'varchar' })
  person!: string;

  /** "brand" (the brand's posts and deadlines) or "person" (what waits on the person, every brand). */
  @Column({ type: 'varchar' })
  scope!: string;

  /** The brand of a brand feed; null for a person's feed. */
  @Column({ type: 'varchar', nullable: true })
  brandId!: string | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  revokedAt!: Date | null;
}
