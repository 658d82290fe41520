/**
 * How due variants reach a worker: the seam between the publishing state machine and the queue driver.
 * Inline: each worker claims due rows from the database itself. Bull: a cluster-wide dispatcher enqueues
 * a delayed "look at variant X" job per variant and workers' processors claim and publish. Either way the
 * database row decides; a job or a loop only says when to look.
 */
export interface PublishDispatch {
  readonly driver: 'inline' | 'bull';
  /** Starts dispatching in this (worker) process. */
  start(): void;
  /**
   * Stops claiming at once, gives claims not yet sent back to the database, and waits for sends in flight
   * until `deadline` (a `performance.now()` instant); what is still in flight then stays claimed and is
   * reconciled by another worker after `publishing.reclaimAfter`.
   */
  stop(deadline?: number): Promise<ShutdownSummary>;
}

/** What a worker did with its work when it stopped. */
export interface ShutdownSummary {
  /** Sends that were in flight when the stop began and finished before the deadline. */
  finished: number;
  /** Claims given back unsent (due again at once for another worker, attempts unchanged). */
  released: number;
  /** Sends still in flight at the deadline (left claimed, reconciled later). */
  leftInFlight: number;
}

/** Resolves with `promise`'s settlement or at `deadline` (performance.now()), whichever comes first: true if settled. */
export async function settledBy(promise: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export const PUBLISH_DISPATCH = Symbol('PUBLISH_DISPATCH');
