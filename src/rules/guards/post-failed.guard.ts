import { ChannelEntity } from '../../persistence/entities/channel.entity';
import { PostVariantEntity } from '../../persistence/entities/post-variant.entity';
import { PostEntity } from '../../persistence/entities/post.entity';
import { Finding, GuardContext, GuardRule } from './guard-rule';

/** A channel variant that failed or missed its time: someone has to act. */
export class PostFailedGuard implements GuardRule {
  readonly name = 'post-failed';
  readonly onByDefault = true;

  async findings({ dataSource }: GuardContext): Promise<Finding[]> {
    const rows = await dataSource
      .getRepository(PostVariantEntity)
      .createQueryBuilder('variant')
      .innerJoin(PostEntity, 'post', 'post.id = variant.post_id')
      .innerJoin(ChannelEntity, 'channel', 'channel.id = variant.channel_id')
      .where("variant.state IN ('failed', 'missed')")
      .select([
        'variant.id AS "id"',
        'variant.state AS "state"',
        'variant.last_error AS "error"',
        'post.title AS "title"',
        'post.brand_id AS "brandId"',
        'channel.key AS "channel"',
      ])
      .getRawMany<{
        id: string;
        state: string;
        error: string | null;
        title: string;
        brandId: string;
        channel: string;
      }>();
    return rows.map((row) => ({
      brandId: row.brandId,
      subjectKey: `variant:${row.id}`,
      title: `Post ${row.state}: "${row.title}" on ${row.channel}`,
      severity: 'critical' as const,
      details: { post: row.title, channel: row.channel, state: row.state, error: row.error },
    }));
  }
}
