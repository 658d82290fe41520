import type { Queue } from 'bull';
import { dependencyOutages, DependencyOutages, REDIS } from '../app/dependency-outage.log';
import { QueueDriver } from './queue-driver';

/** Scale-out: jobs on Redis through Bull, shared by any number of worker processes. */
export class BullQueueDriver implements QueueDriver {
  readonly name = 'bull' as const;

  constructor(
    private readonly queues: Map<string, Queue>,
    /** What every Redis key of this deployment starts with (the queues' prefix). */
    readonly prefix = 'metronome',
    outages: DependencyOutages = dependencyOutages,
  ) {
    // A Redis outage is two lines (down with the cause, back with the duration), not one per failed command.
    for (const queue of queues.values()) {
      queue.on('error', (error: Error) => outages.down(REDIS, error));
      queue.client.on('ready', () => outages.up(REDIS));
    }
  }

  /** The Bull queue behind a name, for features that run their own processors on it (publishing). */
  queue(name: string): Queue {
    const target = this.queues.get(name);
    if (!target) {
      throw new Error(`unknown queue "${name}": known queues are ${[...this.queues.keys()].join(', ')}`);
    }
    return target;
  }

  async enqueue(
    queue: string,
    job: string,
    payload: Record<string, unknown>,
    options: { runAt?: Date; uniqueKey?: string } = {},
  ): Promise<void> {
    const target = this.queues.get(queue);
    if (!target) {
      throw new Error(`unknown queue "${queue}": known queues are ${[...this.queues.keys()].join(', ')}`);
    }
    const delay = options.runAt ? Math.max(0, options.runAt.getTime() - Date.now()) : 0;
    // Bull ignores an add whose jobId already exists: the same dedup the inline driver gets from its unique key.
    await target.add(job, payload, {
      delay,
      jobId: options.uniqueKey,
      removeOnComplete: 1000,
      removeOnFail: 5000,
    });
  }

  async health(): Promise<{ status: 'ok' | 'down'; detail?: string }> {
    const first = this.queues.values().next().value;
    if (!first) {
      return { status: 'down', detail: 'no queue registered' };
    }
    try {
      const reply = await Promise.race([
        first.client.ping(),
        new Promise<string>((_, reject) =>
          setTimeout(() => reject(new Error('Redis did not answer PING within 2 s')), 2000),
        ),
      ]);
      return { status: reply === 'PONG' ? 'ok' : 'down', detail: `redis ${reply}` };
    } catch (error) {
      return { status: 'down', detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
