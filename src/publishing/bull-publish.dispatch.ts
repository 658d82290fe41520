import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { createHash } from 'node:crypto';
import type { Clock } from '../clock/clock';
import { ClusterLease } from '../cluster/cluster-lease.service';
import { HeldSends, type HeldOutcome, type HeldSendOptions } from './held-sends';
import { settledBy, type PublishDispatch, type ShutdownSummary } from './publish-dispatch';
import type { DueVariant } from './due-variant';
import type { VariantPublisher } from './variant-publisher.service';
import { databaseAnswered, logRoundFailure } from '../app/dependency-outage.log';

export interface BullDispatchOptions {
  /** Jobs this process runs at once. */
  concurrency: number;
  /** How often the dispatcher looks for variants coming due. */
  dispatchEveryMs: number;
  /** Variants due within this horizon get their delayed job now. */
  horizonMs: number;
  /** How often the safety sweep re-enqueues everything due, whether or not a job was seen for it. */
  sweepEveryMs: number;
  /** Variants per job at most (due within a second of each other). */
  jobSize: number;
  /**
   * A job arrives this long before its first variant is due (at most a quarter of `publishing.reclaimAfter`,
   * so a claim held until due never looks abandoned): they are claimed ahead and sent on time.
   */
  leadMs: number;
  /** This process's sends: lanes and batched records, as on the inline driver. */
  sends: HeldSendOptions;
}

export const DEFAULT_BULL_DISPATCH: BullDispatchOptions = {
  concurrency: 200,
  dispatchEveryMs: 1000,
  horizonMs: 10_000,
  sweepEveryMs: 30_000,
  jobSize: 100,
  leadMs: 5000,
  sends: { concurrency: 16, recordBatch: 20_000, idleMs: 250 },
};

const JOB = 'variant';
/** A job's members are due within this much of its first one. */
const JOB_SPAN_MS = 1000;

/** What a job names: its variants (older jobs named one). */
type JobData = { variantIds: string[] } | { variantId: string };

/**
 * Publishing through Bull. The dispatcher (cluster-wide: whoever holds the `publish-dispatch` lease) adds one
 * delayed job per group of up to `jobSize` variants due within a second of each other, arriving `leadMs`
 * before the first is due. A job id is made of its variants' ids, scheduled times and attempt counts, so
 * adding it again is a no-op while a new time or attempt makes a new job. The worker that takes a job claims
 * its variants in the database (losing the race, or a variant that moved on meanwhile, does nothing), holds
 * them until due and sends them through its lanes (HeldSends, as the inline driver does); the job ends when
 * each is settled. Jobs have one attempt: retries and waits are decided by the database row (its next attempt
 * time), never by Bull's retry options. The safety sweep forgets what was enqueued, so anything due without a
 * job (a flushed Redis) gets one again; every `min(sweepEveryMs, reclaimAfter / 2)` the dispatcher reconciles
 * variants a dead worker left `publishing`.
 */
export class BullPublishDispatch implements PublishDispatch {
  readonly driver = 'bull' as const;
  private readonly logger = new Logger('PublishDispatch');
  private readonly enqueued = new Set<string>();
  private readonly sends: HeldSends;
  private timer?: NodeJS.Timeout;
  private lastSweep = 0;
  private lastReconcile = 0;
  private dispatching?: Promise<unknown>;
  /** Checks of finishing variants under way (two-step publishing): every worker asks, claims decide who. */
  private checking?: Promise<unknown>;
  private sending?: Promise<void>;
  private stopping = false;
  private pending: Array<{
    variantIds: string[];
    resolve: (outcomes: Record<string, HeldOutcome>) => void;
    reject: (error: Error) => void;
  }> = [];
  private flushing?: Promise<void>;

  constructor(
    private readonly queue: Queue,
    private readonly publisher: VariantPublisher,
    private readonly lease: ClusterLease,
    private readonly options: BullDispatchOptions,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.sends = new HeldSends(publisher, options.sends, clock);
  }

  start(): void {
    this.startProcessor();
    this.startDispatcher();
  }

  /** This worker's processor: runs "publish these variants" jobs through its lanes. */
  startProcessor(): void {
    this.sending ??= this.sends.run(() => this.stopping);
    void this.queue.process(JOB, this.options.concurrency, (job: Job<JobData>) =>
      this.process('variantIds' in job.data ? job.data.variantIds : [job.data.variantId]),
    );
  }

  /** The dispatcher's clock; only the replica holding the `publish-dispatch` lease does a round. */
  startDispatcher(): void {
    this.timer = setInterval(() => {
      this.dispatching ??= this.lease
        .runExclusive('publish-dispatch', () => this.dispatchRound(this.clock.now()), {
          ttlMs: Math.max(10_000, this.options.dispatchEveryMs * 5),
        })
        .then(() => databaseAnswered())
        .catch((error: unknown) => logRoundFailure(this.logger, 'dispatch', error))
        .finally(() => (this.dispatching = undefined));
      void this.checkFinishing(this.clock.now());
    }, this.options.dispatchEveryMs);
  }

  /**
   * Asks about the finishing variants whose check is due (two-step publishing). Every worker does, once per
   * `dispatchEveryMs`, outside the dispatcher's lease: the checks' conditional claims decide who asks about which.
   * Exposed for tests.
   */
  checkFinishing(now: Date): Promise<unknown> {
    this.checking ??= this.publisher
      .checkFinishing(now)
      .catch((error: unknown) => logRoundFailure(this.logger, 'finishing checks', error))
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  async stop(deadline = performance.now() + 15_000): Promise<ShutdownSummary> {
    clearInterval(this.timer);
    // From here a job that arrives claims nothing: its variants are handed to another worker (see flush).
    this.stopping = true;
    const before = this.sends.counts.finished;
    await settledBy(this.dispatching ?? Promise.resolve(), deadline);
    await settledBy(this.checking ?? Promise.resolve(), deadline);
    // Local pause without waiting for active jobs: they end once their variants are sent or released.
    await settledBy(this.queue.pause(true, true), deadline);
    await settledBy(this.flushing ?? Promise.resolve(), deadline);
    const items = this.sends.release();
    const released = await this.publisher.releaseClaims(items, this.clock.now());
    await this.handOver(items.map((item) => item.variant.id)).catch((error: unknown) =>
      logRoundFailure(this.logger, 'handing released variants over', error),
    );
    this.sends.nudge();
    const done = await settledBy(this.sending ?? Promise.resolve(), deadline);
    const after = this.sends.counts;
    return { finished: after.finished - before, released, leftInFlight: done ? 0 : after.inFlight };
  }

  /**
   * New jobs for variants this worker gives back, so another worker takes them at their time rather than at the
   * dispatcher's next sweep (its own job ids for them are taken: it remembers having enqueued them).
   */
  private async handOver(variantIds: string[]): Promise<void> {
    if (variantIds.length === 0) {
      return;
    }
    const now = this.clock.now().getTime();
    const items: DueVariant[] = await this.publisher.byIds(variantIds);
    await this.queue.addBulk(
      items
        .filter((item) => item.variant.state === 'scheduled')
        .map((item) => ({
          name: JOB,
          data: { variantIds: [item.variant.id] },
          opts: {
            jobId: `handover:${item.variant.id}@${now}`,
            delay: Math.max(0, (item.variant.scheduledAt?.getTime() ?? now) - this.leadMs() - now),
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: 1000,
          },
        })),
    );
  }

  /**
   * The processor: claim these variants now and send each at its time. Jobs that arrive together are claimed
   * together (one transaction, see VariantPublisher.claimAhead); the job resolves with what happened to each
   * variant once all are settled.
   */
  process(variantIds: string[]): Promise<Record<string, HeldOutcome>> {
    return new Promise((resolve, reject) => {
      this.pending.push({ variantIds, resolve, reject });
      this.flushing ??= new Promise<void>((done) => setTimeout(done, 2)).then(() => this.flush());
    });
  }

  private async flush(): Promise<void> {
    const jobs = this.pending;
    this.pending = [];
    this.flushing = undefined;
    if (this.stopping) {
      // Shutting down: claim nothing, hand the variants to another worker.
      const ids = [...new Set(jobs.flatMap((job) => job.variantIds))];
      await this.handOver(ids).catch((error: unknown) =>
        logRoundFailure(this.logger, 'handing variants over', error),
      );
      for (const job of jobs) {
        job.resolve(Object.fromEntries(job.variantIds.map((id) => [id, 'handed over'])));
      }
      return;
    }
    try {
      const now = this.clock.now();
      const ids = [...new Set(jobs.flatMap((job) => job.variantIds))];
      const outcomes = new Map<string, HeldOutcome>(ids.map((id) => [id, 'not scheduled']));
      const items = (await this.publisher.byIds(ids)).filter((item) => {
        if (item.variant.state !== 'scheduled') {
          return false;
        }
        const due = item.variant.scheduledAt?.getTime() ?? 0;
        if (due > now.getTime() + this.leadMs() + JOB_SPAN_MS) {
          outcomes.set(item.variant.id, 'not due yet'); // moved later since the job was added: it has a new job
          return false;
        }
        return true;
      });
      const claimed = await this.publisher.claimAhead(items, now);
      const won = new Set(claimed);
      for (const item of items) {
        if (!won.has(item)) {
          outcomes.set(item.variant.id, item.variant.state === 'missed' ? 'missed' : 'lost-race');
        }
      }
      for (const [id, outcome] of await this.sends.hold(claimed)) {
        outcomes.set(id, outcome);
      }
      for (const job of jobs) {
        job.resolve(
          Object.fromEntries(job.variantIds.map((id) => [id, outcomes.get(id) ?? 'not scheduled'])),
        );
      }
    } catch (error) {
      // The job fails without a retry; whatever was claimed is reconciled from the database.
      for (const job of jobs) {
        job.reject(error as Error);
      }
    }
  }

  private leadMs(): number {
    return Math.min(this.options.leadMs, this.publisher.reclaimAfterMs() / 4);
  }

  /** One dispatcher round; exposed for tests and benchmarks. Returns how many variants it added jobs for. */
  async dispatchRound(now: Date): Promise<number> {
    if (now.getTime() - this.lastSweep >= this.options.sweepEveryMs) {
      this.lastSweep = now.getTime();
      this.enqueued.clear();
    }
    // A dead worker's claims are looked at as soon as they can be stale (as often as the inline driver does).
    if (
      now.getTime() - this.lastReconcile >=
      Math.min(this.options.sweepEveryMs, this.publisher.reclaimAfterMs() / 2)
    ) {
      this.lastReconcile = now.getTime();
      await this.publisher.reconcileStale(now);
    }
    const rows = await this.publisher.dispatchable(new Date(now.getTime() + this.options.horizonMs), 20_000);
    const members = rows
      .map((row) => ({
        id: row.id,
        due: Date.parse(row.scheduledAt),
        key: jobIdOf(row.id, row.scheduledAt, row.attempts),
      }))
      .filter((row) => !this.enqueued.has(row.key));
    const jobs = groupIntoJobs(members, this.options.jobSize);
    for (let start = 0; start < jobs.length; start += 200) {
      const chunk = jobs.slice(start, start + 200);
      await this.queue.addBulk(
        chunk.map((group) => ({
          name: JOB,
          data: { variantIds: group.map((member) => member.id) },
          opts: {
            jobId: group.length === 1 ? group[0].key : batchJobId(group.map((member) => member.key)),
            delay: Math.max(0, group[0].due - this.leadMs() - now.getTime()),
            attempts: 1,
            removeOnComplete: true,
            removeOnFail: 1000,
          },
        })),
      );
      for (const member of chunk.flat()) {
        this.enqueued.add(member.key);
      }
    }
    return members.length;
  }
}

/** Consecutive variants (by due time) in groups of at most `size`, each due within JOB_SPAN_MS of its first. */
function groupIntoJobs<T extends { due: number }>(members: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (const member of members) {
    const last = groups.at(-1);
    if (last && last.length < size && member.due - last[0].due < JOB_SPAN_MS) {
      last.push(member);
    } else {
      groups.push([member]);
    }
  }
  return groups;
}

/** Same variant, time and attempt → same job; Bull ignores an add whose id it already holds. */
export function jobIdOf(variantId: string, scheduledAt: string, attempts: number): string {
  return `${variantId}@${Date.parse(scheduledAt)}#${attempts}`;
}

/** A job of several variants: the same members (ids, times, attempts) → the same id. */
export function batchJobId(memberKeys: string[]): string {
  return `batch:${createHash('sha256').update(memberKeys.join(',')).digest('hex').slice(0, 32)}`;
}
