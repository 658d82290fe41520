/** Where jobs go: the inline driver (rows in the database) or Bull on Redis. Queues carry ids, never state. */
export interface QueueDriver {
  readonly name: 'inline' | 'bull';
  /**
   * Adds a job. With a `uniqueKey`, adding the same key again while the first is pending does nothing,
   * which is what makes cluster-wide periodic work fire once.
   */
  enqueue(
    queue: string,
    job: string,
    payload: Record<string, unknown>,
    options?: { runAt?: Date; uniqueKey?: string },
  ): Promise<void>;
  health(): Promise<{ status: 'ok' | 'down'; detail?: string }>;
  close(): Promise<void>;
}

export const QUEUE_DRIVER = Symbol('QUEUE_DRIVER');
