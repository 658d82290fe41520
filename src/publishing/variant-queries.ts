import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { ChannelEntity } from '../persistence/entities/channel.entity';
import { PostVariantEntity } from '../persistence/entities/post-variant.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';

/** A channel variant with the channel it goes to: what the publisher works on. */
export interface DueVariant {
  variant: PostVariantEntity;
  channel: ChannelEntity;
}

/** Scheduled variants due by `until`, oldest first, on channels that may publish. */
export function dueVariants(dataSource: DataSource, until: Date, limit: number): Promise<DueVariant[]> {
  return load(
    withChannel(dataSource)
      .where("variant.state = 'scheduled'")
      .andWhere('variant.scheduled_at <= :until', { until: toDbInstant(until) })
      // A channel whose credentials were refused publishes nothing until it is reconnected.
      .andWhere("channel.status <> 'needs_reconnect'")
      .orderBy('variant.scheduled_at', 'ASC')
      .addOrderBy('variant.id', 'ASC')
      .limit(limit),
  );
}

/** Variants by id, whatever their state; ids that no longer exist are left out. */
export async function variantsByIds(dataSource: DataSource, ids: string[]): Promise<DueVariant[]> {
  return ids.length === 0 ? [] : load(withChannel(dataSource).where('variant.id IN (:...ids)', { ids }));
}

/** Variants `publishing` since before `before`: claims a dead worker may have left. */
export function staleClaims(dataSource: DataSource, before: Date, limit: number): Promise<DueVariant[]> {
  return load(
    withChannel(dataSource)
      .where("variant.state = 'publishing'")
      .andWhere('variant.updated_at < :before', { before: toDbInstant(before) })
      .limit(limit),
  );
}

function withChannel(dataSource: DataSource): SelectQueryBuilder<PostVariantEntity> {
  return dataSource
    .getRepository(PostVariantEntity)
    .createQueryBuilder('variant')
    .innerJoinAndMapOne('variant.channel', ChannelEntity, 'channel', 'channel.id = variant.channel_id');
}

async function load(query: SelectQueryBuilder<PostVariantEntity>): Promise<DueVariant[]> {
  const rows = (await query.getMany()) as Array<PostVariantEntity & { channel: ChannelEntity }>;
  return rows.map((variant) => ({ variant, channel: variant.channel }));
}
