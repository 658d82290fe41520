import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import type { JsonColumnValue } from '../persistence/json-value';
import { ChannelEntity } from '../channels/channel.entity';

/** One field of a live profile that differs from the channel's `profile` in config. */
export interface ProfileDifference {
  field: 'displayName' | 'bio' | 'links' | 'pinned';
  expected: JsonColumnValue;
  actual: JsonColumnValue;
}

/** The latest comparison of a channel's live profile with its declared one; the profile-drift guard reads it. */
@Entity('profile_checks')
export class ProfileCheckEntity {
  @PrimaryColumn({ type: 'varchar' })
  @ForeignKey(() => ChannelEntity)
  channelId!: string;

  @InstantColumn()
  checkedAt!: Date;

  /** Empty when the live profile matches. Kept from the last successful check when a check fails. */
  @Column({ type: 'simple-json' })
  differences!: ProfileDifference[];

  /** Why the last check could not read the profile; null when it could. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Enforce mode: the drift (fields and live values) the platform last refused to change; null when none was. */
  @Column({ type: 'varchar', nullable: true })
  enforceKey!: string | null;

  /** Enforce mode: the platform's reason for refusing the change, shown on the drift incident. */
  @Column({ type: 'text', nullable: true })
  enforceError!: string | null;

  /** Enforce mode: refusals of this drift in a row (the wait before asking again doubles with each). */
  @Column({ type: 'integer', default: 0 })
  enforceFailures!: number;

  /** Enforce mode: the same drift is not sent again before this. */
  @InstantColumn({ nullable: true })
  enforceRetryAt!: Date | null;
}
