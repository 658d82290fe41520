import type { ChannelEntity } from '../persistence/entities/channel.entity';
import type { PostVariantEntity } from '../persistence/entities/post-variant.entity';

/** A channel variant with the channel it goes to: what the publisher works on. */
export interface DueVariant {
  variant: PostVariantEntity;
  channel: ChannelEntity;
}
