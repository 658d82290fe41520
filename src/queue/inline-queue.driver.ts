import type { QueueHealth } from './queue-driver';
import { JobRepository } from './job.repository';

/**
 * The embedded default, with no Redis: publishing's workers claim due variants from the database themselves
 * (see InlinePublishDispatch), so nothing is queued here; /health reports the `jobs` table's waiting rows, which
 * also tells whether the database answers.
 */
export class InlineQueueDriver {
  readonly name = 'inline' as const;

  constructor(private readonly jobs: JobRepository) {}

  async health(): Promise<QueueHealth> {
    try {
      return { status: 'ok', detail: `${await this.jobs.countWaiting()} waiting` };
    } catch (error) {
      return { status: 'down', detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {}
}
