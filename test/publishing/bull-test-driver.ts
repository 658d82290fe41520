import Bull from 'bull';
import { randomUUID } from 'node:crypto';
import { BullPublishDispatch, DEFAULT_BULL_DISPATCH } from '../../src/publishing/bull-publish.dispatch';
import { RedisRateBudget } from '../../src/publishing/redis-rate-budget';
import type { PublishingDriver } from './publishing.suite';

const REDIS_URL = process.env.METRONOME_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The publishing suite on Bull with the real Redis: the dispatcher round adds the delayed jobs, two workers'
 * processors (each its own Redis client) claim in the database and publish; the rate budget lives in Redis.
 */
export function bullDriver(): PublishingDriver {
  const prefix = `metronome-test-${randomUUID().slice(0, 8)}`;
  const queues = [0, 1].map(() => new Bull('publish', REDIS_URL, { prefix }));
  const budget = new RedisRateBudget(queues[0].client, `${prefix}:rate-budget`);
  let dispatchers: BullPublishDispatch[] = [];
  return {
    name: 'bull',
    budget,
    start({ publisher, lease, clock }) {
      dispatchers = queues.map(
        (queue) => new BullPublishDispatch(queue, publisher, lease, DEFAULT_BULL_DISPATCH, { now: clock }),
      );
      for (const dispatcher of dispatchers) {
        dispatcher.startProcessor();
      }
    },
    async runAt(at) {
      await dispatchers[0].checkFinishing(at);
      await dispatchers[0].dispatchRound(at);
      // Until the workers have run every job the round added.
      for (;;) {
        const counts = await queues[0].getJobCounts();
        if (counts.waiting + counts.active + counts.delayed === 0) {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.stop()));
      await queues[0].obliterate({ force: true });
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
