import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { ChannelSlotPool } from './channel-slots';
import { callingDependency, REDIS } from '../app/dependency-outage.log';
import { SCRIPTS, type Script } from './redis-channel-slots.scripts';

/**
 * A channel's concurrency limit across every worker sharing one Redis (ChannelSlots does it per process).
 *
 * Protocol. Redis counts, per channel, the permits each holder (one instance of this class, i.e. one
 * process) has leased: a hash holder → permits, a sorted set holder → lease expiry, and a sorted set of the
 * holders that asked for more than they got (holder → until when that demand counts). A holder leases
 * permits in bulk and reuses them locally:
 * - acquire: when local works wait and no held permit is spare, one script grants up to that many, bounded by
 *   what is free cluster-wide (`limit` minus every holder's count) and, while other holders also wait, by a
 *   fair share (`ceil(limit / waiting holders)`). Too few granted: ask again after 20-50 ms (with jitter; up
 *   to 250 ms while this holder alone has everything), which also tells it when others start waiting.
 * - a finished work hands its permit to the next local waiter; with none (or above the fair share), the
 *   permit goes back to Redis a few ms later in one call with every other spare one. A busy process thus
 *   keeps its permits through a burst and Redis sees a few calls, not one per work.
 * - renew: every ttl/3, one call per channel held refreshes the lease. A holder that dies (SIGKILL) stops
 *   renewing; the next acquire by anyone drops its expired count, so its permits come back after the ttl.
 * Every call carries the count this holder believes it has, and Redis takes it as the truth for that holder
 * (calls for one channel go one at a time, so no answer is in flight that the count would miss). That fixes
 * a lost answer or a failed release on the next call, and a holder whose lease lapsed while it stalled
 * claims its running works again rather than running them uncounted.
 * Lowering the limit takes nothing away: a holder above it gets nothing new and gives permits back as works
 * finish until the cluster is under the new limit. Expiry uses Redis' clock, not the workers'.
 */

/** Spare permits are given back this long after they fall idle, so the next work of a burst can reuse them. */
const RELEASE_DEBOUNCE_MS = 5;
/** Asking again after too few permits: this plus up to RETRY_JITTER_MS when others hold or wait... */
const RETRY_MIN_MS = 20;
const RETRY_JITTER_MS = 30;
/** ...and backing off up to this while this holder alone has them all (only a new waiter elsewhere changes that). */
const RETRY_ALONE_MAX_MS = 250;
/** How long an unanswered demand counts for the fair share: well above the retry interval. */
const DEMAND_TTL_MS = 1000;

export interface RedisChannelSlotsOptions {
  /** Key prefix; a channel's keys are `<prefix>:{<channelId>}:…` (one hash slot per channel). */
  prefix?: string;
  /** This holder in Redis: unique per process (default a random UUID). */
  holder?: string;
  /** How long permits outlive their holder's last renewal (default 30 s); renewed every third of it. */
  leaseTtlMs?: number;
}

interface Waiter {
  start: () => void;
  fail: (error: unknown) => void;
}

interface ChannelState {
  readonly id: string;
  readonly keys: [held: string, alive: string, wanting: string];
  /** The limit of the latest run() for this channel. */
  limit: number;
  /** Permits Redis counts for this holder, as far as this process knows. */
  held: number;
  /** Works running on them. */
  running: number;
  /** The fair share in the last answer: at most this many kept while other holders wait. */
  cap: number;
  readonly waiters: Waiter[];
  /** The Redis call in flight for this channel: one at a time, so the count it sends is exact. */
  flight?: Promise<void>;
  pumpQueued: boolean;
  retryTimer?: NodeJS.Timeout;
  retryMs: number;
  releaseTimer?: NodeJS.Timeout;
  releaseDue: boolean;
  renewDue: boolean;
  /** The last call failed: Redis may count something else, tell it again on the next renewal. */
  dirty: boolean;
  /** performance.now() of the last call to Redis for this channel. */
  lastCallAt: number;
}

export class RedisChannelSlots implements ChannelSlotPool {
  private readonly logger = new Logger('RedisChannelSlots');
  private readonly prefix: string;
  readonly holder: string;
  private readonly ttlMs: number;
  private readonly channels = new Map<string, ChannelState>();
  private readonly renewTimer: NodeJS.Timeout;
  private closing?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    options: RedisChannelSlotsOptions = {},
  ) {
    this.prefix = options.prefix ?? 'metronome:channel-slots';
    this.holder = options.holder ?? randomUUID();
    this.ttlMs = options.leaseTtlMs ?? 30_000;
    this.renewTimer = setInterval(() => this.renewAll(), this.ttlMs / 3);
    // Running works keep the process alive, not this.
    this.renewTimer.unref();
  }

  async run<T>(channelId: string, limit: number, work: () => Promise<T>): Promise<T> {
    const ch = this.channel(channelId);
    if (limit !== ch.limit) {
      ch.limit = limit;
      // A raised limit may let waiters start or be granted more now.
      this.clearRetry(ch);
      this.settle(ch);
    }
    await this.permit(ch);
    try {
      return await work();
    } finally {
      ch.running -= 1;
      this.settle(ch);
    }
  }

  /**
   * Gives every permit back and stops the timers; works still waiting fail. Call it once the works are done:
   * permits of works still running are given back too. A failed release is logged, the lease then expires.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.renewTimer);
    for (const ch of this.channels.values()) {
      this.clearRetry(ch);
      clearTimeout(ch.releaseTimer);
      const error = new Error(`RedisChannelSlots closed while a work waited for channel ${ch.id}`);
      for (const waiter of ch.waiters.splice(0)) {
        waiter.fail(error);
      }
    }
    await Promise.all([...this.channels.values()].flatMap((ch) => (ch.flight ? [ch.flight] : [])));
    await Promise.all(
      [...this.channels.values()]
        .filter((ch) => ch.held > 0 || ch.dirty)
        .map(async (ch) => {
          ch.held = 0;
          try {
            await this.call(SCRIPTS.sync, ch, [0]);
          } catch (error) {
            this.logger.warn(
              `channel ${ch.id}: permits not given back, they expire in ${this.ttlMs} ms: ${String(error)}`,
            );
          }
        }),
    );
  }

  private channel(id: string): ChannelState {
    let ch = this.channels.get(id);
    if (!ch) {
      const base = `${this.prefix}:{${id}}`;
      ch = {
        id,
        keys: [`${base}:held`, `${base}:alive`, `${base}:wanting`],
        limit: 0,
        held: 0,
        running: 0,
        cap: Number.POSITIVE_INFINITY,
        waiters: [],
        pumpQueued: false,
        retryMs: 0,
        releaseDue: false,
        renewDue: false,
        dirty: false,
        lastCallAt: 0,
      };
      this.channels.set(id, ch);
    }
    return ch;
  }

  /** Resolves once this work may run (its permit counted in `running`). */
  private permit(ch: ChannelState): Promise<void> {
    if (this.closing) {
      return Promise.reject(new Error(`RedisChannelSlots closed: cannot run a work on channel ${ch.id}`));
    }
    if (ch.waiters.length === 0 && ch.running < this.usable(ch)) {
      ch.running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((start, fail) => {
      ch.waiters.push({ start, fail });
      this.schedulePump(ch);
    });
  }

  private usable(ch: ChannelState): number {
    return Math.min(ch.held, ch.cap, ch.limit);
  }

  /** Held permits no work needs: all idle ones without waiters, else those above the share or limit. */
  private excess(ch: ChannelState): number {
    const keep = ch.waiters.length > 0 ? Math.max(ch.running, Math.min(ch.cap, ch.limit)) : ch.running;
    return Math.max(0, ch.held - keep);
  }

  /** Starts waiters on spare permits, then plans what to ask Redis. */
  private settle(ch: ChannelState): void {
    const usable = this.usable(ch);
    while (ch.waiters.length > 0 && ch.running < usable) {
      ch.running += 1;
      ch.waiters.shift()?.start();
    }
    if (this.closing) {
      return;
    }
    if (this.excess(ch) > 0 && !ch.releaseTimer) {
      ch.releaseTimer = setTimeout(() => {
        ch.releaseTimer = undefined;
        ch.releaseDue = true;
        this.pump(ch);
      }, RELEASE_DEBOUNCE_MS);
    }
    if (ch.waiters.length > 0) {
      this.schedulePump(ch);
    }
  }

  /** Pumps once the current synchronous burst of run() calls is queued, so one acquire asks for all of them. */
  private schedulePump(ch: ChannelState): void {
    if (!ch.pumpQueued) {
      ch.pumpQueued = true;
      queueMicrotask(() => {
        ch.pumpQueued = false;
        this.pump(ch);
      });
    }
  }

  /** Starts the next Redis call this channel needs, unless one is in flight (it pumps again when done). */
  private pump(ch: ChannelState): void {
    if (this.closing || ch.flight) {
      return;
    }
    let call: Promise<void> | undefined;
    if (ch.waiters.length > 0 && !ch.retryTimer) {
      call = this.acquire(ch);
    } else if ((ch.releaseDue && this.excess(ch) > 0) || ch.renewDue) {
      call = this.sync(ch);
    } else {
      ch.releaseDue = false;
    }
    if (call) {
      ch.flight = call.finally(() => {
        ch.flight = undefined;
        this.pump(ch);
      });
    }
  }

  private async acquire(ch: ChannelState): Promise<void> {
    const want = ch.waiters.length;
    ch.lastCallAt = performance.now();
    let answer: [number, number, number];
    try {
      answer = (await this.call(SCRIPTS.acquire, ch, [want, ch.limit, DEMAND_TTL_MS])) as [
        number,
        number,
        number,
      ];
    } catch (error) {
      // Like the rate budget: the caller learns that Redis failed; Redis' count is fixed on the next call.
      ch.dirty = true;
      for (const waiter of ch.waiters.splice(0)) {
        waiter.fail(error);
      }
      return;
    }
    const [granted, share, contended] = answer.map(Number);
    ch.dirty = false;
    ch.held += granted;
    ch.cap = share;
    this.settle(ch);
    if (ch.waiters.length > 0 && !this.closing) {
      ch.retryMs =
        contended || granted > 0
          ? RETRY_MIN_MS + Math.random() * RETRY_JITTER_MS
          : Math.min(RETRY_ALONE_MAX_MS, Math.max(RETRY_MIN_MS + RETRY_JITTER_MS, ch.retryMs * 2));
      ch.retryTimer = setTimeout(() => {
        ch.retryTimer = undefined;
        this.pump(ch);
      }, ch.retryMs);
    }
  }

  /** Gives back the excess and renews the lease on the rest, in one call. */
  private async sync(ch: ChannelState): Promise<void> {
    ch.releaseDue = false;
    ch.renewDue = false;
    ch.held -= this.excess(ch);
    ch.lastCallAt = performance.now();
    try {
      await this.call(SCRIPTS.sync, ch, [ch.waiters.length > 0 ? 1 : 0]);
      ch.dirty = false;
    } catch (error) {
      ch.dirty = true;
      // The Redis outage itself is logged once (callingDependency); this detail only at debug level.
      this.logger.debug(
        `channel ${ch.id}: permits not synced with Redis, retrying on renewal: ${String(error)}`,
      );
    }
  }

  private renewAll(): void {
    // Elapsed time since the last call (the lease's expiry is Redis' clock), not a reading of the Clock.
    const now = performance.now();
    for (const ch of this.channels.values()) {
      // A call in the last quarter-ttl renewed the lease already; the next tick is at most a third away.
      if ((ch.held > 0 || ch.dirty) && now - ch.lastCallAt >= this.ttlMs / 4) {
        ch.renewDue = true;
        this.pump(ch);
      }
    }
  }

  private clearRetry(ch: ChannelState): void {
    clearTimeout(ch.retryTimer);
    ch.retryTimer = undefined;
    ch.retryMs = 0;
  }

  /** Runs a script by its hash, loading it on the first NOSCRIPT (a restarted or flushed Redis). */
  private call(which: Script, ch: ChannelState, extra: Array<string | number>): Promise<unknown> {
    return callingDependency(REDIS, () =>
      this.callScript(which, [...ch.keys, this.holder, ch.held, this.ttlMs, ...extra]),
    );
  }

  private async callScript(which: Script, args: Array<string | number>): Promise<unknown> {
    try {
      return await this.redis.evalsha(which.sha, 3, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) {
        throw error;
      }
      return this.redis.eval(which.lua, 3, ...args);
    }
  }
}
