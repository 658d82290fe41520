import { Column, Entity, ForeignKey, Index, PrimaryColumn, VersionColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { BrandEntity } from '../persistence/entities/brand.entity';
import { CycleEntity } from '../cycles/cycle.entity';
import { timeOrderedId } from '../persistence/time-ordered-id';

/** The publish state machine of DESIGN section 3, shared by posts and their per-channel variants. */
export type PublishState =
  | 'draft'
  | 'in_review'
  | 'approved'
  | 'scheduled'
  | 'publishing'
  /** A variant only: the platform accepted it and finishes it (two-step publishing); its post stays `publishing`. */
  | 'finishing'
  | 'published'
  | 'failed'
  | 'missed'
  | 'held'
  | 'cancelled';

@Entity('posts')
@Index('idx_posts_state_publish_at', ['state', 'publishAt'])
@Index('uq_posts_brand_id_source_path', ['brandId', 'sourcePath'], { unique: true })
@Index('idx_posts_cycle_id', ['cycleId'])
export class PostEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = timeOrderedId();

  @Column({ type: 'varchar' })
  @ForeignKey(() => BrandEntity)
  brandId!: string;

  @Column({ type: 'varchar', nullable: true })
  @ForeignKey(() => CycleEntity, { onDelete: 'SET NULL' })
  cycleId!: string | null;

  /** File the post was read from, for posts kept as files in the config repository. */
  @Column({ type: 'varchar', nullable: true })
  sourcePath!: string | null;

  @Column({ type: 'varchar', nullable: true })
  sourceHash!: string | null;

  @Column({ type: 'varchar' })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', nullable: true })
  campaign!: string | null;

  @Column({ type: 'varchar', nullable: true })
  theme!: string | null;

  @Column({ type: 'varchar', nullable: true })
  funnelStage!: string | null;

  @InstantColumn({ nullable: true })
  publishAt!: Date | null;

  @Column({ type: 'varchar' })
  state!: PublishState;

  /** 'slot': the publish time was chosen from the channel's windows and may be re-slotted; 'fixed': written in the file. */
  @Column({ type: 'varchar', default: 'fixed' })
  scheduleMode!: 'fixed' | 'slot';

  /** Why the post is in its state, in words a person can act on (rejection reason, hold, failure). */
  @Column({ type: 'text', nullable: true })
  stateReason!: string | null;

  @Column({ type: 'varchar', nullable: true })
  assignee!: string | null;

  @Column({ type: 'simple-json' })
  tags!: string[];

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;

  @VersionColumn({ type: 'integer' })
  version!: number;
}
