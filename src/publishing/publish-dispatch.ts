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
  /** Stops taking new work and waits for what is in flight. */
  stop(): Promise<void>;
}

export const PUBLISH_DISPATCH = Symbol('PUBLISH_DISPATCH');
