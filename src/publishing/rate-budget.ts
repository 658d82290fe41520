/**
 * A channel's send budget, shared by every worker that publishes to it:
 * - its own spacing (`channels.<id>.publishing.perMinute`): sends at least 60 s / perMinute apart (GCRA
 *   without burst, so no 60-second window ever holds more than perMinute sends);
 * - the platform's rate limit: once a send got a 429, the whole channel is blocked until the platform's reset
 *   plus a margin, and its waiting posts are released one `STAGGER_MS` step apart after that.
 * `take` books a slot for its holder (a variant id): 0 when the send may start now, else how many ms until the
 * slot booked for it. The holder keeps that slot: asking again at (or after) it answers 0 without booking
 * another, so N waiting posts move once each, not once per slot that went by (unless a new block started
 * meanwhile: then the slot is void and the holder queues behind the block).
 */
export interface RateBudget {
  take(channelId: string, perMinute: number | undefined, now: Date, holder: string): Promise<number>;
  /** Blocks the channel until `until` (never shortens a block); true when it was not blocked at `now`. */
  block(channelId: string, until: Date, now: Date): Promise<boolean>;
  /** The channel's current or last block, if it has had one lately. */
  lastBlock(channelId: string): Promise<ChannelBlock | undefined>;
  close?(): Promise<void>;
}

/** A platform rate limit on a channel: from when (ms) until when (ms) it sends nothing. */
export interface ChannelBlock {
  since: number;
  until: number;
}

export const RATE_BUDGET = Symbol('RATE_BUDGET');

/** Posts released after a block are this far apart at least, so they do not all wake in the same second. */
export const STAGGER_MS = 200;
/** A booked slot is honoured this early (workers' clocks differ by milliseconds). */
export const HOLD_TOLERANCE_MS = 50;

interface ChannelBudget {
  /** The earliest instant (ms) the next unbooked send may start. */
  next: number;
  block?: ChannelBlock;
  /** Booked slots by holder. */
  holds: Map<string, number>;
}

/** The inline queue's budget: one process publishes, so memory is the whole truth. */
export class InProcessRateBudget implements RateBudget {
  private readonly channels = new Map<string, ChannelBudget>();

  take(channelId: string, perMinute: number | undefined, now: Date, holder: string): Promise<number> {
    const at = now.getTime();
    let state = this.channels.get(channelId);
    if (!state) {
      if (!perMinute) {
        return Promise.resolve(0);
      }
      state = { next: 0, holds: new Map() };
      this.channels.set(channelId, state);
    }
    const blockedUntil = state.block && state.block.until > at ? state.block.until : 0;
    const held = state.holds.get(holder);
    if (held !== undefined) {
      if (held > at + HOLD_TOLERANCE_MS) {
        return Promise.resolve(held - at);
      }
      state.holds.delete(holder);
      // A slot booked before a new block started is void: the holder queues again behind the block.
      if (!blockedUntil) {
        return Promise.resolve(0);
      }
    }
    const interval = perMinute ? 60_000 / perMinute : 0;
    if (!blockedUntil && !interval) {
      return Promise.resolve(0);
    }
    const slot = Math.max(state.next, at, blockedUntil);
    state.next = slot + (blockedUntil ? Math.max(interval, STAGGER_MS) : interval);
    if (slot <= at) {
      return Promise.resolve(0);
    }
    forgetStaleHolds(state.holds, at);
    state.holds.set(holder, slot);
    return Promise.resolve(slot - at);
  }

  block(channelId: string, until: Date, now: Date): Promise<boolean> {
    const state = this.channels.get(channelId) ?? { next: 0, holds: new Map<string, number>() };
    this.channels.set(channelId, state);
    const fresh = !state.block || state.block.until <= now.getTime();
    state.block = fresh
      ? { since: now.getTime(), until: until.getTime() }
      : { since: state.block!.since, until: Math.max(state.block!.until, until.getTime()) };
    return Promise.resolve(fresh);
  }

  lastBlock(channelId: string): Promise<ChannelBlock | undefined> {
    const block = this.channels.get(channelId)?.block;
    return Promise.resolve(block ? { ...block } : undefined);
  }
}

/** Slots whose holder never came back (its post was cancelled or edited) are dropped after ten minutes. */
function forgetStaleHolds(holds: Map<string, number>, at: number): void {
  if (holds.size < 256) {
    return;
  }
  for (const [holder, slot] of holds) {
    if (slot < at - 600_000) {
      holds.delete(holder);
    }
  }
}
