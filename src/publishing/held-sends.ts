import { Logger } from '@nestjs/common';
import { logRoundFailure } from '../app/dependency-outage.log';
import type { Clock } from '../clock/clock';
import type { SentPublish } from './variant-batch-record';
import type { VariantPublisher } from './variant-publisher.service';
import type { DueVariant } from './due-variant';

export interface HeldSendOptions {
  /** Sends in flight at once in this process (each channel also has its own limit). */
  concurrency: number;
  /**
   * Publishes are recorded (in one transaction) when nothing else is due; during a burst only once this many
   * have piled up, so recording does not hold up sends that are due.
   */
  recordBatch: number;
  /** Longest a lane sleeps without looking again (nothing held, or the next one far off). */
  idleMs: number;
}

/** What became of a held variant: `published` once recorded, else the state its send left it in. */
export type HeldOutcome = string;

interface Held {
  item: DueVariant;
  due: number;
  settled?: (outcome: HeldOutcome) => void;
}

/**
 * Variants this worker has claimed ahead (scheduled → publishing), held in memory until their time, then sent
 * by a fixed number of lanes, soonest first; publishes are recorded in batched transactions. Both queue
 * drivers feed it: the inline loop with what it claims from the database, Bull's processor with what its jobs
 * name. A crash loses only memory: the claims stay `publishing` and are reconciled (looked up, then sent or
 * recorded) by whoever runs `reconcileStale`.
 */
export class HeldSends {
  private readonly logger = new Logger('PublishWorker');
  /** Soonest first from `head` on (an index, so taking the next one does not shift the array). */
  private held: Held[] = [];
  private head = 0;
  private sent: Array<SentPublish & { settled?: Held['settled'] }> = [];
  /** Lanes asleep: each entry wakes one. */
  private readonly sleepers = new Set<() => void>();
  /** Sends handed to the publisher and not yet returned. */
  private sending = 0;
  /** Sends that returned (published, failed, retry…), for the shutdown summary. */
  private returned = 0;

  constructor(
    private readonly publisher: VariantPublisher,
    private readonly options: HeldSendOptions,
    /** The dispatch's clock (a drain's fixed `now`, say). */
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  get size(): number {
    return this.held.length - this.head;
  }

  /** How many held variants are due by `now` (already waiting for a lane). */
  dueBy(now: Date): number {
    let low = this.head;
    let high = this.held.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.held[middle].due <= now.getTime()) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low - this.head;
  }

  /**
   * Holds claimed variants until due. The promise resolves once every one of them is settled: sent and
   * recorded, or left in whatever state its send ended in (retry, failed, lost-race…), per variant id.
   */
  hold(items: DueVariant[]): Promise<Map<string, HeldOutcome>> {
    if (items.length === 0) {
      return Promise.resolve(new Map<string, HeldOutcome>());
    }
    const outcomes = new Map<string, HeldOutcome>();
    const done = new Promise<Map<string, HeldOutcome>>((resolve) => {
      let open = items.length;
      const entries = items.map((item) => ({
        item,
        due: item.variant.scheduledAt?.getTime() ?? 0,
        settled: (outcome: HeldOutcome) => {
          outcomes.set(item.variant.id, outcome);
          if (--open === 0) {
            resolve(outcomes);
          }
        },
      }));
      this.insert(entries);
    });
    this.nudge();
    return done;
  }

  /** Runs the lanes until `stop()` answers true and nothing is held, then records what is left. */
  async run(stop: () => boolean): Promise<void> {
    await Promise.all(Array.from({ length: this.options.concurrency }, () => this.lane(stop)));
    await this.record(this.clock.now(), 1);
  }

  /** Sends in flight now, and sends that have returned so far. */
  get counts(): { inFlight: number; finished: number } {
    return { inFlight: this.sending, finished: this.returned };
  }

  /**
   * Takes back every held variant not being sent yet (shutdown): they are settled as `released` and returned
   * for the caller to give back to the database. Lanes then only finish the sends in flight.
   */
  release(): DueVariant[] {
    const held = this.held.slice(this.head);
    this.held = [];
    this.head = 0;
    for (const entry of held) {
      entry.settled?.('released');
    }
    this.nudge();
    return held.map((entry) => entry.item);
  }

  /** Wakes sleeping lanes (after `stop` turned true, say). */
  nudge(): void {
    for (const wake of [...this.sleepers]) {
      wake();
    }
  }

  private insert(entries: Held[]): void {
    const pending = this.held.slice(this.head);
    this.head = 0;
    const last = pending.at(-1)?.due ?? -Infinity;
    // Claims mostly arrive in due order: append; otherwise merge by sorting (stable, so ties keep arrival order).
    this.held = entries.every((entry, i) => entry.due >= (i === 0 ? last : entries[i - 1].due))
      ? pending.concat(entries)
      : pending.concat(entries).sort((a, b) => a.due - b.due);
  }

  private take(): Held | undefined {
    const next = this.held[this.head];
    if (next) {
      this.held[this.head++] = undefined as unknown as Held;
      if (this.head > 4096 && this.head * 2 > this.held.length) {
        this.held = this.held.slice(this.head);
        this.head = 0;
      }
    }
    return next;
  }

  /** One lane: takes the soonest held variant once due, sends it, queues its result for recording. */
  private async lane(stop: () => boolean): Promise<void> {
    while (!stop() || this.size > 0) {
      const next = this.held[this.head];
      const now = this.clock.now();
      if (!next) {
        await this.record(now, 1);
        await this.sleep(this.options.idleMs);
        continue;
      }
      const wait = next.due - now.getTime();
      if (wait > 0) {
        await this.record(now, 1);
        await this.sleep(Math.min(wait, this.options.idleMs));
        continue;
      }
      this.take();
      this.sending++;
      try {
        const outcome = await this.publisher.sendClaimed(next.item, this.clock.now());
        if ('result' in outcome) {
          this.sent.push({
            variant: next.item.variant,
            result: outcome.result,
            connector: next.item.channel.connector,
            settled: next.settled,
          });
          await this.record(this.clock.now(), this.options.recordBatch);
        } else {
          next.settled?.(outcome.state);
        }
      } catch (error) {
        logRoundFailure(this.logger, 'publish', error);
        next.settled?.('error');
      } finally {
        this.sending--;
        this.returned++;
      }
    }
  }

  /** Records queued publishes once `atLeast` are waiting. */
  async record(now: Date, atLeast: number): Promise<void> {
    if (this.sent.length === 0 || this.sent.length < Math.max(1, atLeast)) {
      return;
    }
    const batch = this.sent;
    this.sent = [];
    try {
      await this.publisher.recordPublishedMany(batch, now);
      for (const { variant, settled } of batch) {
        // Failed when the connector answered a remote id another post holds (VariantBatchRecord).
        settled?.(variant.state === 'failed' ? 'failed' : 'published');
      }
    } catch (error) {
      // Left `publishing`: the reconcile finds them on the platform and records them then.
      logRoundFailure(this.logger, `recording ${batch.length} publishes`, error);
      for (const { settled } of batch) {
        settled?.('unrecorded');
      }
    }
  }

  /** Sleeps up to `ms`, or less if new variants are held (or `nudge` is called) meanwhile. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}
