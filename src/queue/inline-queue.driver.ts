import { DataSource } from 'typeorm';
import { JobEntity } from '../persistence/entities/job.entity';
import { isUniqueViolation } from '../persistence/unique-violation';
import { QueueDriver } from './queue-driver';

/**
 * The embedded default: a job is a row in the `jobs` table, so it survives a restart with no Redis.
 * Workers claim rows with a conditional update (see the publishing feature).
 */
export class InlineQueueDriver implements QueueDriver {
  readonly name = 'inline' as const;

  constructor(private readonly dataSource: DataSource) {}

  async enqueue(
    queue: string,
    job: string,
    payload: Record<string, unknown>,
    options: { runAt?: Date; uniqueKey?: string } = {},
  ): Promise<void> {
    const now = new Date();
    const row = Object.assign(new JobEntity(), {
      queue,
      name: job,
      payload,
      runAt: options.runAt ?? now,
      state: 'waiting',
      attempts: 0,
      maxAttempts: 5,
      uniqueKey: options.uniqueKey ?? null,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.dataSource.createQueryBuilder().insert().into(JobEntity).values(row).execute();
    } catch (error) {
      if (!(options.uniqueKey && isUniqueViolation(error))) {
        throw error;
      }
    }
  }

  async health(): Promise<{ status: 'ok' | 'down'; detail?: string }> {
    try {
      const waiting = await this.dataSource
        .createQueryBuilder(JobEntity, 'job')
        .where('job.state = :state', { state: 'waiting' })
        .getCount();
      return { status: 'ok', detail: `${waiting} waiting` };
    } catch (error) {
      return { status: 'down', detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {}
}
