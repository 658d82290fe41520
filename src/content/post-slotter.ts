import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { parsePublishingWindow, PublishingWindow } from '../config/schema/cadence.schema';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { PostEntity } from '../persistence/entities/post.entity';
import { nextFreeSlot } from '../scheduling/slot-allocator';

/** Finds "next-slot" times from the channels' windows and cadence, against posts already placed. */
@Injectable()
export class PostSlotter {
  async nextSlot(
    manager: EntityManager,
    input: {
      brand: BrandConfig;
      channels: string[];
      channelIds: Map<string, string>;
      excludePostId: string;
      from: Date;
    },
  ): Promise<Date | undefined> {
    const channel = input.channels.find((id) => (input.brand.channels[id]?.cadence?.windows.length ?? 0) > 0);
    const cadence = channel ? input.brand.channels[channel].cadence : undefined;
    if (!cadence) {
      return undefined;
    }
    const channelIds = input.channels
      .map((id) => input.channelIds.get(id))
      .filter((id): id is string => !!id);
    const taken = await manager
      .createQueryBuilder(PostEntity, 'post')
      .innerJoin(PostVariantEntity, 'variant', 'variant.post_id = post.id')
      .where('variant.channel_id IN (:...channelIds)', { channelIds })
      .andWhere('post.id <> :exclude', { exclude: input.excludePostId })
      .andWhere("post.state <> 'cancelled'")
      .andWhere('post.publish_at IS NOT NULL')
      .select('DISTINCT post.publish_at', 'publishAt')
      .getRawMany<{ publishAt: string }>();
    return nextFreeSlot({
      windows: cadence.windows.map((text) => parsePublishingWindow(text) as PublishingWindow),
      timezone: input.brand.timezone,
      postsPerWeek: cadence.postsPerWeek,
      occupied: taken.map((row) => new Date(row.publishAt)),
      from: input.from,
    });
  }
}
