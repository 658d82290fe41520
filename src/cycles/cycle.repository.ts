import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { CycleEntity, type CycleStage } from './cycle.entity';
import { IncidentEntity } from '../escalations/incident.entity';
import { PostEntity } from '../content/post.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { TransactionContext } from '../persistence/transaction-context';
import { isUniqueViolation } from '../persistence/unique-violation';
import type { CycleCalendar } from './cycle-calendar';

/** A brand's month as a cycle row: everything but its id. */
export type NewCycle = Omit<CycleEntity, 'id'>;

/** The unresolved incidents a cycle's status counts. */
export type UnresolvedIncident = Pick<IncidentEntity, 'brandId' | 'state' | 'severity' | 'title'>;

/**
 * The `cycles` table, and the read-only counts over posts, inbox items and incidents that a cycle's status
 * shows. Every method works in the transaction open in the TransactionContext, if any.
 */
@Injectable()
export class CycleRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /** Whether the brand has the cycle starting at `periodStart`. */
  exists(brandId: string, periodStart: Date): Promise<boolean> {
    return this.cycles().existsBy({ brandId, periodStart });
  }

  /** Inserts the cycle unless the brand has one for that period already (another process may have just made it). */
  async insertUnlessExists(cycle: NewCycle): Promise<void> {
    const cycles = this.cycles();
    try {
      await cycles.insert(cycles.create(cycle));
    } catch (error) {
      if (!isUniqueViolation(error)) {
        throw error;
      }
    }
  }

  /** The brand's newest cycles (by period), at most `limit`. */
  newest(brandId: string, limit: number): Promise<CycleEntity[]> {
    return this.cycles().find({ where: { brandId }, order: { periodStart: 'DESC' }, take: limit });
  }

  /** Moves the cycle from stage `from` to `to`; false when its stage was no longer `from`. */
  async moveStage(id: string, from: CycleStage, to: CycleStage): Promise<boolean> {
    const result = await this.cycles().update({ id, stage: from }, { stage: to });
    return (result.affected ?? 0) === 1;
  }

  /** Posts of a brand whose time falls in a cycle: all but cancelled ones, or only those in `states`. */
  postsInPeriod(
    brandId: string,
    calendar: Pick<CycleCalendar, 'periodStart' | 'periodEnd'>,
    states?: string[],
  ): Promise<number> {
    const query = this.transactions.manager
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

  /** Inbox items waiting for an answer (new or escalated), per brand. */
  async inboxWaitingByBrand(): Promise<Map<string, number>> {
    const rows = await this.transactions.manager.query<Array<{ brand_id: string; count: number | string }>>(
      `SELECT c."brand_id", COUNT(*) AS "count" FROM "inbox_items" i JOIN "channels" c ON c."id" = i."channel_id" WHERE i."state" IN ('new', 'escalated') GROUP BY c."brand_id"`,
    );
    return new Map(rows.map((row) => [row.brand_id, Number(row.count)]));
  }

  /** Every open or acknowledged incident, oldest first. */
  unresolvedIncidents(): Promise<UnresolvedIncident[]> {
    return this.transactions.manager.getRepository(IncidentEntity).find({
      where: { state: In(['open', 'acknowledged']) },
      order: { openedAt: 'ASC' },
    });
  }

  private cycles() {
    return this.transactions.manager.getRepository(CycleEntity);
  }
}
