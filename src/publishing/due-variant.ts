import type { ChannelEntity } from '../channels/channel.entity';
import type { PostVariantEntity } from './post-variant.entity';

/** A channel variant with the channel it goes to: what the publisher works on. */
export interface DueVariant {
  variant: PostVariantEntity;
  channel: ChannelEntity;
}
