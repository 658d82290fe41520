import { Injectable } from '@nestjs/common';
import { ChannelEntity } from '../channels/channel.entity';
import { PostVariantEntity } from '../publishing/post-variant.entity';
import { PostEntity, PublishState } from './post.entity';
import { TransactionContext } from '../persistence/transaction-context';

/** Which posts to list. `brands` limits the list to those brands (an API token limited to them). */
export interface PostFilter {
  brand?: string;
  brands?: readonly string[];
  state?: PublishState;
  limit?: number;
}

/** Where one channel of a post stands. */
export interface ChannelStanding {
  postId: string;
  channel: string;
  state: PublishState;
  remoteUrl: string | null;
  lastError: string | null;
}

/** The reads behind the posts list (`posts` and their variants, by channel key). */
@Injectable()
export class PostListingRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** The posts the filter names, by publish time then title, at most `limit` (200 by default). */
  posts(filter: PostFilter): Promise<PostEntity[]> {
    const query = this.transactions.manager
      .getRepository(PostEntity)
      .createQueryBuilder('post')
      .orderBy('post.publish_at', 'ASC')
      .addOrderBy('post.title', 'ASC')
      .limit(filter.limit ?? 200);
    if (filter.brand) {
      query.andWhere('post.brand_id = :brand', { brand: filter.brand });
    }
    if (filter.brands) {
      query.andWhere(filter.brands.length ? 'post.brand_id IN (:...brands)' : '1 = 0', {
        brands: filter.brands,
      });
    }
    if (filter.state) {
      query.andWhere('post.state = :state', { state: filter.state });
    }
    return query.getMany();
  }

  /** Where each channel of these posts stands. */
  channelsOf(postIds: readonly string[]): Promise<ChannelStanding[]> {
    if (postIds.length === 0) {
      return Promise.resolve([]);
    }
    return this.transactions.manager
      .getRepository(PostVariantEntity)
      .createQueryBuilder('variant')
      .innerJoin(ChannelEntity, 'channel', 'channel.id = variant.channel_id')
      .where('variant.post_id IN (:...ids)', { ids: postIds })
      .select([
        'variant.post_id AS "postId"',
        'channel.key AS "channel"',
        'variant.state AS "state"',
        'variant.remote_url AS "remoteUrl"',
        'variant.last_error AS "lastError"',
      ])
      .getRawMany<ChannelStanding>();
  }
}
