import { Logger, type LoggerService } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisChannelSlots, type RedisChannelSlotsOptions } from '../../src/publishing/redis-channel-slots';

const REDIS_URL = process.env.METRONOME_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** Polls Redis (or anything) until a condition holds: waiting on state, not on a duration. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) {
    await sleep(10);
  }
}

/** Counts works running at once, across every instance of the test (one Node process, shared counter). */
function concurrency(): { track: <T>(work: () => Promise<T>) => () => Promise<T>; max: () => number } {
  let running = 0;
  let max = 0;
  return {
    track: (work) => async () => {
      running += 1;
      max = Math.max(max, running);
      try {
        return await work();
      } finally {
        running -= 1;
      }
    },
    max: () => max,
  };
}

/**
 * Cluster-wide channel concurrency on the real Redis. Each instance gets its own ioredis connection, as a
 * separate worker process would; every test uses its own key prefix.
 */
describe('RedisChannelSlots', () => {
  let prefix: string;
  let clients: Redis[];
  let instances: RedisChannelSlots[];
  let logs: string[];

  function connect(): Redis {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return client;
  }

  function slots(options: RedisChannelSlotsOptions = {}, client = connect()): RedisChannelSlots {
    const instance = new RedisChannelSlots(client, { prefix, ...options });
    instances.push(instance);
    return instance;
  }

  function keys(channelId: string): { held: string; alive: string; wanting: string } {
    const base = `${prefix}:{${channelId}}`;
    return { held: `${base}:held`, alive: `${base}:alive`, wanting: `${base}:wanting` };
  }

  beforeEach(() => {
    prefix = `metronome-test-slots-${randomUUID().slice(0, 8)}`;
    clients = [];
    instances = [];
    logs = [];
    const collect: LoggerService = {
      log: () => undefined,
      error: (message: unknown) => logs.push(String(message)),
      warn: (message: unknown) => logs.push(String(message)),
    };
    Logger.overrideLogger(collect);
  });

  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
    const admin = new Redis(REDIS_URL);
    const left = await admin.keys(`${prefix}:*`);
    if (left.length > 0) {
      await admin.del(...left);
    }
    await admin.quit();
    for (const client of clients) {
      client.disconnect();
    }
  });

  it('two processes never run more than the limit at once, and both get work done', async () => {
    const [a, b] = [slots(), slots()];
    const seen = concurrency();
    const done = { a: 0, b: 0 };
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const [instance, who] = i % 2 === 0 ? [a, 'a' as const] : [b, 'b' as const];
        return instance.run(
          'ch',
          5,
          seen.track(async () => {
            await sleep(Math.random() * 5);
            done[who] += 1;
          }),
        );
      }),
    );
    expect(seen.max()).toBe(5);
    expect(done).toEqual({ a: 100, b: 100 });

    await Promise.all([a.close(), b.close()]);
    const admin = connect();
    expect(await admin.hlen(keys('ch').held)).toBe(0);
  });

  it('takes the permits of a holder that died without releasing once its lease has expired', async () => {
    const ttl = { leaseTtlMs: 500 };
    const deadClient = connect();
    const dead = slots(ttl, deadClient);
    const gate = deferred();
    const started = [deferred(), deferred()];
    const hung = started.map((start) =>
      dead.run('ch', 2, async () => {
        start.resolve();
        await gate.promise;
      }),
    );
    await Promise.all(started.map((start) => start.promise));
    const admin = connect();
    expect(await admin.hget(keys('ch').held, dead.holder)).toBe('2');

    // The survivor asks while the holder still renews, and is told to wait.
    const alive = slots(ttl);
    let killed = false;
    const ran = Promise.all([1, 2].map(() => alive.run('ch', 2, async () => killed)));
    await until(async () => (await admin.zscore(keys('ch').wanting, alive.holder)) !== null);
    killed = true;
    deadClient.disconnect();

    expect(await ran).toEqual([true, true]);
    expect(await admin.hget(keys('ch').held, dead.holder)).toBeNull();

    gate.resolve();
    await Promise.all(hung);
    await dead.close();
    expect(logs.some((line) => line.includes('channel ch'))).toBe(true);
  });

  it('a live holder renews its lease: a work longer than the ttl keeps its permit', async () => {
    const ttl = { leaseTtlMs: 300 };
    const [a, b] = [slots(ttl), slots(ttl)];
    const admin = connect();
    const { alive: aliveKey, wanting } = keys('ch');
    const seen = concurrency();
    const long = a.run(
      'ch',
      1,
      seen.track(async () => {
        const first = Number(await admin.zscore(aliveKey, a.holder));
        // Ends only once the lease has been renewed past a whole ttl, with b waiting all along.
        await until(async () => (await admin.zscore(wanting, b.holder)) !== null);
        await until(async () => Number(await admin.zscore(aliveKey, a.holder)) > first + 300);
      }),
    );
    await until(async () => (await admin.zscore(aliveKey, a.holder)) !== null);
    const other = b.run(
      'ch',
      1,
      seen.track(async () => 'b ran'),
    );
    await long;
    expect(await other).toBe('b ran');
    expect(seen.max()).toBe(1);
  });

  it('keeps channels independent: a channel at its limit does not hold up another', async () => {
    const [a, b] = [slots(), slots()];
    const gate = deferred();
    const started = deferred();
    const blocked = a.run('x', 1, async () => {
      started.resolve();
      await gate.promise;
      return 'x';
    });
    await started.promise;
    expect(await b.run('y', 1, async () => 'y')).toBe('y');
    expect(await a.run('z', 1, async () => 'z')).toBe('z');
    gate.resolve();
    expect(await blocked).toBe('x');
  });

  it('serialises a channel with limit 1 across processes', async () => {
    const [a, b] = [slots(), slots()];
    const seen = concurrency();
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).run(
          'one',
          1,
          seen.track(async () => {
            await sleep(Math.random() * 3);
            order.push(i);
          }),
        ),
      ),
    );
    expect(seen.max()).toBe(1);
    expect(order.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('a work that throws gives its permit back and the caller gets the error', async () => {
    const [a, b] = [slots(), slots()];
    const failing = a.run('ch', 1, async () => {
      await sleep(1);
      throw new Error('connector exploded');
    });
    const next = a.run('ch', 1, async () => 'next ran');
    await expect(failing).rejects.toThrow('connector exploded');
    expect(await next).toBe('next ran');
    // And the permit went back to Redis: another process gets it.
    expect(await b.run('ch', 1, async () => 'other ran')).toBe('other ran');
  });

  it('a lowered limit starts nothing new until the cluster is under it', async () => {
    const [a, b] = [slots(), slots()];
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started = gates.map(() => deferred());
    let running = 0;
    const runningAtStart: number[] = [];
    const old = gates.map((gate, i) =>
      a.run('ch', 4, async () => {
        running += 1;
        started[i].resolve();
        await gate.promise;
        running -= 1;
      }),
    );
    await Promise.all(started.map((start) => start.promise));
    // The config reload: every new work asks with limit 2, on both processes.
    const fresh = Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? a : b).run('ch', 2, async () => {
        running += 1;
        runningAtStart.push(running);
        await sleep(Math.random() * 3);
        running -= 1;
      }),
    );
    // The first old work ends before this process has asked Redis with the new limit.
    for (const gate of gates) {
      gate.resolve();
      await sleep(5);
    }
    await Promise.all([...old, ...fresh]);
    expect(runningAtStart).toHaveLength(10);
    expect(Math.max(...runningAtStart)).toBeLessThanOrEqual(2);
  });

  it('a busy holder gives up part of its permits when another process waits for the channel', async () => {
    const [a, b] = [slots(), slots()];
    let aDone = 0;
    let aDoneWhenBStarted: number | undefined;
    const aWorks = Array.from({ length: 1000 }, () =>
      a.run('ch', 4, async () => {
        await sleep(5);
        aDone += 1;
      }),
    );
    await until(async () => aDone > 0);
    const bWorks = Array.from({ length: 10 }, () =>
      b.run('ch', 4, async () => {
        aDoneWhenBStarted ??= aDone;
      }),
    );
    await Promise.all([...aWorks, ...bWorks]);
    // Without sharing, b would start only once a has no work left waiting (996 done).
    expect(aDoneWhenBStarted).toBeLessThan(900);
  });

  it('a burst of 1,000 works in one process costs a few Redis calls, not one per work', async () => {
    const monitor = await connect().monitor();
    const calls: string[][] = [];
    const marker = `${prefix}:end-of-burst`;
    const sawMarker = deferred();
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args.includes(marker)) {
        sawMarker.resolve();
      } else if (source !== 'lua' && args.some((arg) => arg.startsWith(prefix))) {
        calls.push(args);
      }
    });
    const client = connect();
    const burst = slots({}, client);
    const seen = concurrency();
    await Promise.all(
      Array.from({ length: 1000 }, () =>
        burst.run(
          'burst',
          16,
          seen.track(() => sleep(Math.random() * 3)),
        ),
      ),
    );
    await burst.close();
    await client.echo(marker);
    await sawMarker.promise;
    monitor.disconnect();

    expect(seen.max()).toBe(16);
    // At least the acquire and the final release, seen by Redis itself.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThan(100);
  });
});
