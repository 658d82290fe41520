import { randomUUID } from 'node:crypto';
import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../persistence/instant-column.decorator';
import { ChannelEntity } from '../channels/channel.entity';

export type InboxItemKind = 'comment' | 'mention' | 'reply' | 'message';

export type InboxItemState = 'new' | 'answered' | 'escalated' | 'ignored';

@Entity('inbox_items')
@Index('uq_inbox_items_channel_id_remote_id', ['channelId', 'remoteId'], { unique: true })
@Index('idx_inbox_items_state_received_at', ['state', 'receivedAt'])
@Index('idx_inbox_items_channel_id_received_at', ['channelId', 'receivedAt'])
export class InboxItemEntity {
  @PrimaryColumn({ type: 'varchar' })
  id: string = randomUUID();

  @Column({ type: 'varchar' })
  @ForeignKey(() => ChannelEntity)
  channelId!: string;

  @Column({ type: 'varchar' })
  remoteId!: string;

  @Column({ type: 'varchar' })
  kind!: InboxItemKind;

  @Column({ type: 'varchar' })
  author!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', nullable: true })
  url!: string | null;

  @InstantColumn()
  receivedAt!: Date;

  @InstantColumn({ nullable: true })
  answeredAt!: Date | null;

  @Column({ type: 'varchar' })
  state!: InboxItemState;

  /** The person (a `people:` id) who is to answer it, or null while nobody is. */
  @Column({ type: 'varchar', nullable: true })
  assignee!: string | null;

  /** The platform id of the item this one answers, when it is a reply in a thread. */
  @Column({ type: 'varchar', nullable: true })
  inReplyToRemoteId!: string | null;
}
