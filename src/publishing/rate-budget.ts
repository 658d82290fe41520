/**
 * A channel's rate budget (`channels.<id>.publishing.perMinute`): sends are spaced at least 60 s / perMinute
 * apart (GCRA without burst, so no 60-second window ever holds more than perMinute sends).
 * `take` either books the slot now (returns 0) or says how many ms to wait before asking again.
 */
export interface RateBudget {
  take(channelId: string, perMinute: number, now: Date): Promise<number>;
  close?(): Promise<void>;
}

export const RATE_BUDGET = Symbol('RATE_BUDGET');

/** The inline queue's budget: one process publishes, so memory is the whole truth. */
export class InProcessRateBudget implements RateBudget {
  /** Per channel: the earliest instant (ms) the next send may start. */
  private readonly nextAllowed = new Map<string, number>();

  take(channelId: string, perMinute: number, now: Date): Promise<number> {
    const at = now.getTime();
    const next = this.nextAllowed.get(channelId) ?? 0;
    if (next > at) {
      return Promise.resolve(next - at);
    }
    this.nextAllowed.set(channelId, at + 60_000 / perMinute);
    return Promise.resolve(0);
  }
}
