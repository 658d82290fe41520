import { Inject, Injectable } from '@nestjs/common';
import { IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { ConfigRevisionEntity } from '../../persistence/entities/config-revision.entity';
import { TransactionContext } from '../../persistence/transaction-context';
import { PostVariantEntity } from '../../publishing/post-variant.entity';
import { QUEUE_DRIVER, type QueueDriver } from '../../queue/queue-driver';
import { WebSessionEntity } from '../session/web-session.entity';

export interface QueueDepth {
  driver: 'inline' | 'bull';
  /** The driver's own counts: Bull's job counts by state, or the inline driver's health line. */
  counts: Array<{ label: string; value: string }>;
  /** Variants whose time has come and that no worker has sent yet (both drivers publish from these rows). */
  dueVariants: number;
}

/** Read-only facts for the System page: the revision row, queue depth, web sessions per person. */
@Injectable()
export class SystemOverviewQuery {
  constructor(
    private readonly transactions: TransactionContext,
    @Inject(QUEUE_DRIVER) private readonly queue: QueueDriver,
  ) {}

  /** The row the scheduler recorded for the revision in force; null when it has not recorded it (yet). */
  revision(hash: string): Promise<ConfigRevisionEntity | null> {
    return this.transactions.manager.getRepository(ConfigRevisionEntity).findOneBy({ hash });
  }

  async queueDepth(now: Date): Promise<QueueDepth> {
    const dueVariants = await this.transactions.manager
      .getRepository(PostVariantEntity)
      .countBy({ state: 'scheduled', scheduledAt: LessThanOrEqual(now) });
    if (this.queue.name === 'bull') {
      try {
        const counts = await this.queue.publishQueue.getJobCounts();
        return {
          driver: 'bull',
          counts: Object.entries(counts).map(([label, value]) => ({ label, value: String(value) })),
          dueVariants,
        };
      } catch (error) {
        return {
          driver: 'bull',
          counts: [{ label: 'Redis', value: `unavailable: ${(error as Error).message}` }],
          dueVariants,
        };
      }
    }
    const health = await this.queue.health();
    return {
      driver: 'inline',
      counts: [{ label: 'jobs', value: health.detail ?? health.status }],
      dueVariants,
    };
  }

  /** Active (not ended, not expired) web sessions per person. */
  async sessions(now: Date): Promise<Map<string, { count: number; lastSeenAt: Date }>> {
    const rows = await this.transactions.manager.getRepository(WebSessionEntity).find({
      where: { endedAt: IsNull(), expiresAt: MoreThan(now) },
      select: { person: true, lastSeenAt: true },
    });
    const byPerson = new Map<string, { count: number; lastSeenAt: Date }>();
    for (const row of rows) {
      const seen = byPerson.get(row.person);
      byPerson.set(row.person, {
        count: (seen?.count ?? 0) + 1,
        lastSeenAt: seen && seen.lastSeenAt > row.lastSeenAt ? seen.lastSeenAt : row.lastSeenAt,
      });
    }
    return byPerson;
  }
}
