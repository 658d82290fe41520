import { randomUUID } from 'node:crypto';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';

/** A rule that fired for a subject; cleared when the condition stops holding, so it may fire again later. */
@Entity('rule_firings')
@Index('uq_rule_firings_rule_subject_active', ['rule', 'subjectKey'], {
  unique: true,
  where: `"cleared_at" IS NULL`,
})
@Index('idx_rule_firings_fired_at_pending', ['firedAt'], { where: `"acted_at" IS NULL` })
export class RuleFiringEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  rule!: string;

  @Column({ type: 'varchar' })
  subjectKey!: string;

  @Column({ type: 'varchar', nullable: true })
  brandId!: string | null;

  @InstantColumn()
  firedAt!: Date;

  @InstantColumn({ nullable: true })
  clearedAt!: Date | null;

  /** What the actions say about the match (the incident or notification title). */
  @Column({ type: 'text', nullable: true })
  title!: string | null;

  /**
   * When the rule's actions ran. The firing commits first; a firing whose actions a dead process never
   * ran (NULL here a minute on) is acted on by the next scheduler tick.
   */
  @InstantColumn({ nullable: true })
  actedAt!: Date | null;
}
