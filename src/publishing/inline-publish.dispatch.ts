import { Logger } from '@nestjs/common';
import type { Clock } from '../clock/clock';
import { HeldSends, type HeldSendOptions } from './held-sends';
import { settledBy, type PublishDispatch, type ShutdownSummary } from './publish-dispatch';
import type { VariantPublisher } from './variant-publisher.service';
import type { DueVariant } from './due-variant';
import { databaseAnswered, logRoundFailure } from '../app/dependency-outage.log';

export interface PublishLoopOptions extends HeldSendOptions {
  /** Variants claimed per round (one transaction). */
  batch: number;
  /** Variants due within this many ms are claimed ahead and held until due, so a burst starts on time. */
  lookaheadMs: number;
  /** Claimed variants held in memory at most. */
  holdMax: number;
}

export const DEFAULT_PUBLISH_LOOP: PublishLoopOptions = {
  batch: 1000,
  concurrency: 16,
  idleMs: 250,
  lookaheadMs: 5000,
  recordBatch: 20_000,
  holdMax: 10_000,
};

/**
 * The inline driver's dispatch: this worker claims from the database variants due within the lookahead,
 * in batches, and hands them to its HeldSends, which sends each at its time and records the results in
 * batched transactions. Every `min(30 s, reclaimAfter / 2)` it reconciles variants a dead worker left
 * `publishing` (claimed ahead but never sent included: they are looked up, then published). Any number of
 * workers may run it.
 */
export class InlinePublishDispatch implements PublishDispatch {
  readonly driver = 'inline' as const;
  private readonly logger = new Logger('PublishWorker');
  private stopping = false;
  private loop?: Promise<void>;
  /** The running loop's parts, for `stop`. */
  private sends?: HeldSends;
  private claiming?: Promise<void>;
  /** The clock of the running loop (a benchmark's, say). */
  private loopClock: Pick<Clock, 'now'>;
  private lastReconcile = 0;
  /** The last round left due variants in the database for want of free lanes. */
  private backlogged = false;
  private lastFinishingCheck = 0;
  /** Checks of finishing variants under way (two-step publishing), beside the claim rounds. */
  private checking?: Promise<void>;

  constructor(
    private readonly publisher: VariantPublisher,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly options: PublishLoopOptions = DEFAULT_PUBLISH_LOOP,
  ) {
    this.loopClock = clock;
  }

  start(): void {
    this.loop = this.run(this.options);
  }

  async stop(deadline = performance.now() + 15_000): Promise<ShutdownSummary> {
    this.stopping = true;
    const sends = this.sends;
    if (!sends) {
      await this.loop;
      return { finished: 0, released: 0, leftInFlight: 0 };
    }
    const before = sends.counts.finished;
    // A claim round under way lands its claims in `sends` first; then nothing more is claimed.
    await settledBy(this.claiming ?? Promise.resolve(), deadline);
    await settledBy(this.checking ?? Promise.resolve(), deadline);
    const released = await this.publisher.releaseClaims(sends.release(), this.loopClock.now());
    const done = await settledBy(this.loop ?? Promise.resolve(), deadline);
    const after = sends.counts;
    return { finished: after.finished - before, released, leftInFlight: done ? 0 : after.inFlight };
  }

  /** Publishes everything due until `stop()` answers true, then sends what it holds. Exposed for benchmarks. */
  async run(
    options: PublishLoopOptions,
    clock: Pick<Clock, 'now'> = this.clock,
    stop: () => boolean = () => this.stopping,
  ): Promise<void> {
    const sends = new HeldSends(this.publisher, options, clock);
    this.sends = sends;
    this.loopClock = clock;
    const sending = sends.run(stop);
    this.claiming = this.claimLoop(sends, options, clock, stop);
    await this.claiming;
    sends.nudge();
    await sending;
  }

  private async claimLoop(
    sends: HeldSends,
    options: PublishLoopOptions,
    clock: Pick<Clock, 'now'>,
    stop: () => boolean,
  ): Promise<void> {
    while (!stop()) {
      try {
        const now = clock.now();
        if (now.getTime() - this.lastReconcile > Math.min(30_000, this.publisher.reclaimAfterMs() / 2)) {
          this.lastReconcile = now.getTime();
          await this.publisher.reconcileStale(now);
        }
        this.checkFinishing(now);
        // Claim ahead what is not due yet (up to `holdMax`), but of what is already due only what the lanes
        // will send at once: the rest stays in the database for other workers. The lookahead stays well
        // inside `publishing.reclaimAfter`, so no claim held here looks abandoned to a reconcile.
        const isDue = (item: DueVariant) => (item.variant.scheduledAt?.getTime() ?? 0) <= now.getTime();
        let dueRoom = options.concurrency * 2 - sends.dueBy(now);
        const room = Math.min(options.holdMax - sends.size, options.batch);
        if (this.backlogged && dueRoom <= 0) {
          await sleep(5); // the lanes are busy with due variants; more wait in the database
          continue;
        }
        const lookaheadMs = Math.min(options.lookaheadMs, this.publisher.reclaimAfterMs() / 3);
        const fetched =
          room > 0
            ? await this.publisher.due(
                new Date(now.getTime() + lookaheadMs),
                this.backlogged ? Math.min(room, dueRoom) : room,
              )
            : [];
        databaseAnswered();
        const candidates = fetched.filter((item) => !isDue(item) || dueRoom-- > 0);
        // Due variants were left in the database, or everything fetched was due: more are likely waiting.
        this.backlogged = candidates.length < fetched.length || (fetched.length > 0 && fetched.every(isDue));
        if (candidates.length > 0) {
          void sends.hold(await this.publisher.claimAhead(candidates, now));
        }
        if (this.backlogged) {
          await sleep(5);
        } else if (room <= 0 || fetched.length < room) {
          await sleep(options.idleMs);
        }
      } catch (error) {
        logRoundFailure(this.logger, 'publish round', error);
        await sleep(options.idleMs);
      }
    }
  }

  /**
   * Asks about finishing variants (two-step publishing) at most once a second, beside the claim rounds so a slow
   * platform answer never holds up sends; their claims are conditional, so any number of workers may ask.
   */
  private checkFinishing(now: Date): void {
    if (this.checking || now.getTime() - this.lastFinishingCheck < FINISHING_CHECK_EVERY_MS) {
      return;
    }
    this.lastFinishingCheck = now.getTime();
    this.checking = this.publisher
      .checkFinishing(now)
      .then(() => undefined)
      .catch((error: unknown) => logRoundFailure(this.logger, 'finishing checks', error))
      .finally(() => (this.checking = undefined));
  }

  /**
   * One round at `now` without waiting: asks about the finishing variants due, claims everything due, sends it,
   * records the results. The loop's steps, driven by a caller's clock (tests, `metronome` tools).
   */
  async drain(now: Date): Promise<void> {
    await this.publisher.checkFinishing(now, this.options.batch);
    const sends = new HeldSends(this.publisher, { ...this.options, concurrency: 1 }, { now: () => now });
    for (;;) {
      const claimed = await this.publisher.claimAhead(await this.publisher.due(now, this.options.batch), now);
      if (claimed.length === 0) {
        return;
      }
      const settled = sends.hold(claimed);
      await sends.run(() => true);
      await settled;
    }
  }
}

/** How often a worker looks for finishing variants whose check is due. */
const FINISHING_CHECK_EVERY_MS = 1000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
