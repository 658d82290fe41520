import { ChannelEntity } from '../../persistence/entities/channel.entity';
import { PostVariantEntity } from '../../persistence/entities/post-variant.entity';
import { PostEntity } from '../../persistence/entities/post.entity';
import { toDbInstant } from '../../persistence/instant-column.decorator';
import { Finding, GuardContext, GuardRule } from './guard-rule';

const DEFAULT_QUIET_MS = 3 * 86_400_000;

/** A channel with a cadence and nothing planned soon: the seed's "the channel goes quiet". */
export class ChannelQuietGuard implements GuardRule {
  readonly name = 'channel-quiet';

  async findings({
    config,
    dataSource,
    now,
    thresholdMs = DEFAULT_QUIET_MS,
  }: GuardContext): Promise<Finding[]> {
    const until = new Date(now.getTime() + thresholdMs);
    const findings: Finding[] = [];
    const channels = await dataSource.getRepository(ChannelEntity).findBy({ status: 'active' });
    for (const channel of channels) {
      const cadence = config.brands[channel.brandId]?.channels[channel.key]?.cadence;
      if (!cadence || cadence.postsPerWeek === 0) {
        continue;
      }
      const planned = await dataSource
        .getRepository(PostVariantEntity)
        .createQueryBuilder('variant')
        .innerJoin(PostEntity, 'post', 'post.id = variant.post_id')
        .where('variant.channel_id = :channel', { channel: channel.id })
        .andWhere("post.state NOT IN ('cancelled', 'failed', 'missed')")
        .andWhere('post.publish_at >= :now AND post.publish_at < :until', {
          now: toDbInstant(now),
          until: toDbInstant(until),
        })
        .getCount();
      if (planned === 0) {
        const days = Math.round(thresholdMs / 86_400_000);
        findings.push({
          brandId: channel.brandId,
          subjectKey: `channel:${channel.id}`,
          title: `Channel going quiet: nothing planned on ${channel.brandId}/${channel.key} in the next ${days} day${days === 1 ? '' : 's'}`,
          severity: 'warning',
          details: {
            channel: channel.key,
            brand: channel.brandId,
            postsPerWeek: cadence.postsPerWeek,
            window: `${now.toISOString()} – ${until.toISOString()}`,
          },
        });
      }
    }
    return findings;
  }
}
