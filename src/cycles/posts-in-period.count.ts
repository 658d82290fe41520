import type { DataSource } from 'typeorm';
import { PostEntity } from '../persistence/entities/post.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import type { CycleCalendar } from './cycle-calendar';

/** Posts of a brand whose time falls in a cycle: all but cancelled ones, or only those in `states`. */
export function countPostsInPeriod(
  dataSource: DataSource,
  brandId: string,
  calendar: Pick<CycleCalendar, 'periodStart' | 'periodEnd'>,
  states?: string[],
): Promise<number> {
  const query = dataSource
    .getRepository(PostEntity)
    .createQueryBuilder('post')
    .where('post.brand_id = :brandId', { brandId })
    .andWhere('post.publish_at >= :start AND post.publish_at < :end', {
      start: toDbInstant(calendar.periodStart),
      end: toDbInstant(calendar.periodEnd),
    });
  return (
    states
      ? query.andWhere('post.state IN (:...states)', { states })
      : query.andWhere("post.state <> 'cancelled'")
  ).getCount();
}
