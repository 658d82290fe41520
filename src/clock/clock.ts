/**
 * Where the application reads the time. Everything that decides by "now" (what is due, what is overdue,
 * what a report covers) asks an injected Clock, so tests move time instead of waiting for it.
 * Elapsed-time measurements (timeouts, latencies) use `performance.now()`, which no clock replaces.
 */
export abstract class Clock {
  abstract now(): Date;

  /** Milliseconds since the epoch: `now().getTime()`. */
  nowMs(): number {
    return this.now().getTime();
  }
}

/** The real time of this machine. */
export class SystemClock extends Clock {
  now(): Date {
    // The one place the application reads the system time.
    return new Date();
  }
}

/** The clock used where no Nest container is at hand (a script, a hand-built test fixture). */
export const SYSTEM_CLOCK: Clock = new SystemClock();
