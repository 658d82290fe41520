import type { DataSource } from 'typeorm';
import { TransactionContext } from '../persistence/transaction-context';
import type { CycleCalendar } from './cycle-calendar';
import { CycleRepository } from './cycle.repository';

/**
 * Posts of a brand whose time falls in a cycle: all but cancelled ones, or only those in `states`.
 * @deprecated use `CycleRepository.postsInPeriod`; kept only for the rules feature's callers (rule facts, the
 * plan-not-ready guard) until they move onto repositories, then delete this file.
 */
export function countPostsInPeriod(
  dataSource: DataSource,
  brandId: string,
  calendar: Pick<CycleCalendar, 'periodStart' | 'periodEnd'>,
  states?: string[],
): Promise<number> {
  return new CycleRepository(new TransactionContext(dataSource)).postsInPeriod(brandId, calendar, states);
}
