import { Injectable } from '@nestjs/common';
import { ChannelEntity } from '../../channels/channel.entity';
import { PostEntity, type PublishState } from '../../content/post.entity';
import { toDbInstant } from '../../persistence/instant-column.decorator';
import { TransactionContext } from '../../persistence/transaction-context';
import { PostVariantEntity } from '../../publishing/post-variant.entity';

export interface CalendarPost {
  id: string;
  brandId: string;
  title: string;
  state: PublishState;
  stateReason: string | null;
  campaign: string | null;
  theme: string | null;
  publishAt: Date;
  sourcePath: string | null;
  channels: Array<{ channel: string; state: PublishState }>;
}

/** The reads behind the calendar: the posts of some brands with a publish time in a period, and their channels. */
@Injectable()
export class CalendarPostsRepository {
  constructor(private readonly transactions: TransactionContext) {}

  async postsBetween(brands: readonly string[], from: Date, to: Date): Promise<CalendarPost[]> {
    if (brands.length === 0) {
      return [];
    }
    const posts = await this.transactions.manager
      .getRepository(PostEntity)
      .createQueryBuilder('post')
      .where('post.brand_id IN (:...brands)', { brands })
      .andWhere('post.publish_at >= :from AND post.publish_at < :to', {
        from: toDbInstant(from),
        to: toDbInstant(to),
      })
      .orderBy('post.publish_at', 'ASC')
      .addOrderBy('post.title', 'ASC')
      .limit(5000)
      .getMany();
    const variants = posts.length
      ? await this.transactions.manager
          .getRepository(PostVariantEntity)
          .createQueryBuilder('variant')
          .innerJoin(ChannelEntity, 'channel', 'channel.id = variant.channel_id')
          .where('variant.post_id IN (:...ids)', { ids: posts.map((post) => post.id) })
          .select(['variant.post_id AS "postId"', 'channel.key AS "channel"', 'variant.state AS "state"'])
          .orderBy('channel.key', 'ASC')
          .getRawMany<{ postId: string; channel: string; state: PublishState }>()
      : [];
    return posts.map((post) => ({
      id: post.id,
      brandId: post.brandId,
      title: post.title,
      state: post.state,
      stateReason: post.stateReason,
      campaign: post.campaign,
      theme: post.theme,
      publishAt: post.publishAt!,
      sourcePath: post.sourcePath,
      channels: variants
        .filter((variant) => variant.postId === post.id)
        .map(({ channel, state }) => ({ channel, state })),
    }));
  }
}
