import type { Queue } from 'bull';
import { dependencyOutages, DependencyOutages, REDIS } from '../app/dependency-outage.log';
import type { QueueHealth } from './queue-driver';

/** Scale-out: the `publish` queue on Redis through Bull, shared by any number of worker processes. */
export class BullQueueDriver {
  readonly name = 'bull' as const;

  constructor(
    /** The queue publishing's dispatcher adds its jobs to and its processors run (BullPublishDispatch). */
    readonly publishQueue: Queue,
    /** What every Redis key of this deployment starts with (the queue's prefix). */
    readonly prefix = 'metronome',
    outages: DependencyOutages = dependencyOutages,
  ) {
    // A Redis outage is two lines (down with the cause, back with the duration), not one per failed command.
    publishQueue.on('error', (error: Error) => outages.down(REDIS, error));
    publishQueue.client.on('ready', () => outages.up(REDIS));
  }

  async health(): Promise<QueueHealth> {
    try {
      const reply = await Promise.race([
        this.publishQueue.client.ping(),
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
    await this.publishQueue.close();
  }
}
