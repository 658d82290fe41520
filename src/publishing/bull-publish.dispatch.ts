import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DataSource } from 'typeorm';
import { ClusterLease } from '../cluster/cluster-lease.service';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import type { PublishDispatch } from './publish-dispatch';
import type { VariantPublisher } from './variant-publisher.service';

export interface BullDispatchOptions {
  /** Jobs this process runs at once. */
  concurrency: number;
  /** How often the dispatcher looks for variants coming due. */
  dispatchEveryMs: number;
  /** Variants due within this horizon get their delayed job now. */
  horizonMs: number;
  /** How often the safety sweep re-enqueues everything due, whether or not a job was seen for it. */
  sweepEveryMs: number;
}

export const DEFAULT_BULL_DISPATCH: BullDispatchOptions = {
  concurrency: 200,
  dispatchEveryMs: 1000,
  horizonMs: 10_000,
  sweepEveryMs: 30_000,
};

const JOB = 'variant';

/**
 * Publishing through Bull. The dispatcher (cluster-wide: whoever holds the `publish-dispatch` lease) adds a
 * delayed job per variant coming due, delay = due − now, with a job id made of the variant id, its
 * scheduled time and its attempt count, so adding it again is a no-op while a new time or attempt makes a
 * new job. Every worker's processor claims the variant in the database and publishes it; losing the claim
 * race, or a variant that moved on meanwhile, does nothing. Jobs have one attempt: retries and waits are
 * decided by the database row (its next attempt time), never by Bull's retry options. The safety sweep
 * forgets what was enqueued, so anything due without a job (a flushed Redis) gets one again, and reconciles
 * variants a dead worker left `publishing`.
 */
export class BullPublishDispatch implements PublishDispatch {
  readonly driver = 'bull' as const;
  private readonly logger = new Logger('PublishDispatch');
  private readonly enqueued = new Set<string>();
  private timer?: NodeJS.Timeout;
  private lastSweep = 0;
  private dispatching?: Promise<unknown>;
  private readonly pending = new Map<
    string,
    { resolve: (outcome: string) => void; reject: (error: Error) => void }
  >();
  private flushing?: Promise<void>;

  constructor(
    private readonly queue: Queue,
    private readonly publisher: VariantPublisher,
    private readonly dataSource: DataSource,
    private readonly lease: ClusterLease,
    private readonly options: BullDispatchOptions = DEFAULT_BULL_DISPATCH,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.startProcessor();
    this.startDispatcher();
  }

  /** This worker's processor: runs "look at variant X" jobs. */
  startProcessor(): void {
    void this.queue.process(JOB, this.options.concurrency, (job: Job<{ variantId: string }>) =>
      this.process(job.data.variantId),
    );
  }

  /** The dispatcher's clock; only the replica holding the `publish-dispatch` lease does a round. */
  startDispatcher(): void {
    this.timer = setInterval(() => {
      this.dispatching ??= this.lease
        .runExclusive('publish-dispatch', () => this.dispatchRound(this.clock()), {
          ttlMs: Math.max(10_000, this.options.dispatchEveryMs * 5),
        })
        .catch((error: unknown) => this.logger.error(`dispatch failed: ${(error as Error).message}`))
        .finally(() => (this.dispatching = undefined));
    }, this.options.dispatchEveryMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.dispatching;
    // Local pause: this process takes no new job and waits for its active ones.
    await this.queue.pause(true);
  }

  /**
   * The processor: look at variant X now. Jobs that arrive together are claimed together (one transaction,
   * see VariantPublisher.claimAhead) and their publishes recorded together; each job resolves with what
   * happened to its variant.
   */
  process(variantId: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      this.pending.set(variantId, { resolve, reject });
      this.flushing ??= new Promise<void>((done) => setTimeout(done, 2)).then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = new Map(this.pending);
    this.pending.clear();
    this.flushing = undefined;
    try {
      const now = this.clock();
      const outcomes = new Map<string, string>([...batch.keys()].map((id) => [id, 'not scheduled']));
      const items = (await this.publisher.byIds([...batch.keys()])).filter((item) => {
        if (item.variant.state !== 'scheduled') {
          return false;
        }
        if ((item.variant.scheduledAt?.getTime() ?? 0) > now.getTime() + 1000) {
          outcomes.set(item.variant.id, 'not due yet'); // moved later since the job was added: it has a new job
          return false;
        }
        return true;
      });
      const claimed = await this.publisher.claimAhead(items, now);
      for (const item of items) {
        if (!claimed.includes(item)) {
          outcomes.set(item.variant.id, item.variant.state === 'missed' ? 'missed' : 'lost-race');
        }
      }
      const sent: Parameters<VariantPublisher['recordPublishedMany']>[0] = [];
      await Promise.all(
        claimed.map(async (item) => {
          const outcome = await this.publisher.sendClaimed(item, this.clock());
          if ('result' in outcome) {
            sent.push({ variant: item.variant, result: outcome.result });
            outcomes.set(item.variant.id, 'published');
          } else {
            outcomes.set(item.variant.id, outcome.state);
          }
        }),
      );
      await this.publisher.recordPublishedMany(sent, this.clock());
      for (const [id, job] of batch) {
        job.resolve(outcomes.get(id) ?? 'not scheduled');
      }
    } catch (error) {
      // The job fails without a retry; whatever was claimed is reconciled from the database.
      for (const job of batch.values()) {
        job.reject(error as Error);
      }
    }
  }

  /** One dispatcher round; exposed for tests and benchmarks. Returns how many jobs it added. */
  async dispatchRound(now: Date): Promise<number> {
    if (now.getTime() - this.lastSweep >= this.options.sweepEveryMs) {
      this.lastSweep = now.getTime();
      this.enqueued.clear();
      await this.publisher.reconcileStale(now);
    }
    const p = placeholders(this.dataSource.manager);
    const rows = await this.dataSource.query<Array<{ id: string; scheduled_at: string; attempts: number }>>(
      `SELECT "id", "scheduled_at", "attempts" FROM "post_variants" WHERE "state" = 'scheduled' AND "scheduled_at" <= ${p(1)} ORDER BY "scheduled_at" LIMIT 20000`,
      [toDbInstant(new Date(now.getTime() + this.options.horizonMs))],
    );
    const jobs = rows
      .map((row) => ({ ...row, jobId: jobIdOf(row.id, row.scheduled_at, Number(row.attempts)) }))
      .filter((row) => !this.enqueued.has(row.jobId));
    for (let start = 0; start < jobs.length; start += 1000) {
      const chunk = jobs.slice(start, start + 1000);
      await this.queue.addBulk(
        chunk.map((row) => ({
          name: JOB,
          data: { variantId: row.id },
          opts: {
            jobId: row.jobId,
            delay: Math.max(0, Date.parse(row.scheduled_at) - now.getTime()),
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: 1000,
          },
        })),
      );
      for (const row of chunk) {
        this.enqueued.add(row.jobId);
      }
    }
    return jobs.length;
  }
}

/** Same variant, time and attempt → same job; Bull ignores an add whose id it already holds. */
export function jobIdOf(variantId: string, scheduledAt: string, attempts: number): string {
  return `${variantId}@${Date.parse(scheduledAt)}#${attempts}`;
}
