import type { Notifier } from '../plugin-sdk';
import type { LoadedConfig } from '../config/config.loader';
import { NotifierInstanceCache, type ActiveNotifier } from './notifier-instance.cache';

describe('NotifierInstanceCache', () => {
  let created: string[];
  let closed: string[];
  let cache: NotifierInstanceCache;
  let failNext: boolean;

  const notifier = (name: string): Notifier => ({
    send: async () => ({}),
    close: async () => {
      closed.push(name);
    },
  });

  beforeEach(() => {
    created = [];
    closed = [];
    failNext = false;
    cache = new NotifierInstanceCache(
      async (id) => {
        if (failNext) {
          failNext = false;
          throw new Error('bad options');
        }
        const name = `${id}#${created.length + 1}`;
        created.push(name);
        return {
          notifier: notifier(name),
          plugin: 'x',
          addressing: 'handle',
          loaded: {} as LoadedConfig,
        } satisfies ActiveNotifier;
      },
      () => undefined,
    );
  });

  it('makes one instance per notifier id and reuses it', async () => {
    await cache.use('a', async () => undefined);
    await cache.use('a', async () => undefined);
    await cache.use('b', async () => undefined);

    expect(created).toEqual(['a#1', 'b#2']);
  });

  it('after retireAll, a send in flight finishes on the old instance, which closes when it is done', async () => {
    let release!: () => void;
    const inFlight = cache.use('a', () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setImmediate(resolve));

    cache.retireAll();
    await cache.use('a', async () => undefined);
    expect(created).toEqual(['a#1', 'a#2']);
    expect(closed).toEqual([]);

    release();
    await inFlight;
    await cache.closeAll();
    expect(closed).toEqual(['a#1', 'a#2']);
  });

  it('does not cache a failed creation, so the next send tries again', async () => {
    failNext = true;
    await expect(cache.use('a', async () => undefined)).rejects.toThrow('bad options');
    await cache.use('a', async () => undefined);

    expect(created).toEqual(['a#1']);
  });
});
