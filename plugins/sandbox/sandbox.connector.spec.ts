import type { OneStepConnector, PluginContext, PluginStateStore } from '../../src/plugin-sdk';
import sandbox from './index';
import { SandboxNetwork } from './sandbox-network';

/** The SDK's state contract kept in a Map (the database-backed store has its own suite): literal prefixes, key order. */
function memoryState(): PluginStateStore {
  const entries = new Map<string, string>();
  return {
    get: async <T>(key: string) => {
      const value = entries.get(key);
      return value === undefined ? undefined : (JSON.parse(value) as T);
    },
    set: async (key, value) => {
      entries.set(key, JSON.stringify(value));
    },
    setIfAbsent: async <T>(key: string, value: T) => {
      const existing = entries.get(key);
      if (existing !== undefined) {
        return JSON.parse(existing) as T;
      }
      entries.set(key, JSON.stringify(value));
      return undefined;
    },
    delete: async (key) => {
      entries.delete(key);
    },
    list: async <T>(prefix: string) =>
      [...entries.keys()]
        .filter((key) => key.startsWith(prefix))
        .sort()
        .map((key) => ({ key, value: JSON.parse(entries.get(key) as string) as T })),
  };
}

function contextWith(state: PluginStateStore, clock: () => Date): PluginContext {
  const silent = () => undefined;
  return {
    plugin: 'sandbox',
    scope: 'acme/main',
    logger: { debug: silent, info: silent, warn: silent, error: silent },
    http: {
      request: () => Promise.reject(new Error('the sandbox makes no HTTP requests')),
    },
    state,
    clock: { now: clock },
  };
}

function parseOptions(options: unknown) {
  const result = sandbox.options!['~standard'].validate(options);
  if (result instanceof Promise) {
    throw new Error('the sandbox options schema is synchronous');
  }
  return result;
}

const request = (key: string) => ({
  idempotencyKey: key,
  text: `Post ${key}`,
  media: [],
  scheduledAt: new Date(),
  extra: {},
});

describe('sandbox connector: idempotency and latency', () => {
  let state: PluginStateStore;
  let now: Date;
  const connect = async (options: Record<string, unknown>): Promise<OneStepConnector> => {
    const parsed = parseOptions({ handle: 'acme', ...options });
    if (parsed.issues) {
      throw new Error(parsed.issues.map((issue) => issue.message).join('; '));
    }
    return (await sandbox.create(
      contextWith(state, () => now),
      parsed.value,
    )) as OneStepConnector;
  };
  const network = () =>
    new SandboxNetwork(
      contextWith(state, () => now),
      'acme',
    );

  beforeEach(() => {
    state = memoryState();
    now = new Date('2026-12-01T09:00:00Z');
  });

  it('honours idempotency keys by default: a repeated send returns the first post', async () => {
    const connector = await connect({});
    const first = await connector.publish!(request('post-1'));
    now = new Date('2026-12-01T09:01:00Z');
    expect(await connector.publish!(request('post-1'))).toEqual(first);
    expect(await network().postsPerKey()).toEqual(new Map([['post-1', 1]]));
  });

  it('with idempotency: ignore, makes a new post per send and counts them per key', async () => {
    const connector = await connect({ idempotency: 'ignore' });
    const first = await connector.publish!(request('post-1'));
    now = new Date('2026-12-01T09:01:00Z');
    const second = await connector.publish!(request('post-1'));
    await connector.publish!(request('post-2'));
    expect(second.remoteId).not.toBe(first.remoteId);
    expect(await network().postsPerKey()).toEqual(
      new Map([
        ['post-1', 2],
        ['post-2', 1],
      ]),
    );
    // A lookup finds the earliest post with the key, as a platform search would.
    expect(await connector.lookup!('post-1')).toEqual(first);
    expect(await connector.lookup!('post-3')).toBeUndefined();
  });

  it('keeps both posts of two concurrent sends with the same key when keys are ignored', async () => {
    const connector = await connect({ idempotency: 'ignore' });
    await Promise.all([connector.publish!(request('post-1')), connector.publish!(request('post-1'))]);
    expect((await network().postsPerKey()).get('post-1')).toBe(2);
  });

  it('accepts latency without a fault mode, and the post exists before the response arrives', async () => {
    const connector = await connect({ faults: { latencyMs: 400 } });
    let answered = false;
    const publishing = connector.publish!(request('post-1')).then((result) => {
      answered = true;
      return result;
    });
    while (!(await connector.lookup!('post-1'))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // On the network, yet the caller has no answer: a worker killed now leaves an unknown outcome.
    expect(answered).toBe(false);
    expect(await publishing).toEqual(await connector.lookup!('post-1'));
  });

  it('rejects an unknown idempotency mode and names the choices', () => {
    const result = parseOptions({ handle: 'acme', idempotency: 'sometimes' });
    expect(result.issues?.[0].path).toEqual(['idempotency']);
    expect(result.issues?.[0].message).toMatch(/honour.*ignore/);
  });
});

describe('sandbox connector: what people write on the network', () => {
  let state: PluginStateStore;
  let now: Date;
  const connect = async (options: Record<string, unknown>): Promise<OneStepConnector> => {
    const parsed = parseOptions({ handle: 'acme', ...options });
    if (parsed.issues) {
      throw new Error(parsed.issues.map((issue) => issue.message).join('; '));
    }
    return (await sandbox.create(
      contextWith(state, () => now),
      parsed.value,
    )) as OneStepConnector;
  };
  const network = () =>
    new SandboxNetwork(
      contextWith(state, () => now),
      'acme',
    );

  beforeEach(() => {
    state = memoryState();
    now = new Date('2026-12-01T09:00:00Z');
  });

  it('a written comment is a mention before anything is published, then a comment on the newest post', async () => {
    const connector = await connect({});
    const mention = await network().writeComment('sam', 'Do you ship to Norway?');
    expect(mention).toMatchObject({ kind: 'mention', author: 'sam', text: 'Do you ship to Norway?' });
    const published = await connector.publish!(request('k1'));
    now = new Date('2026-12-01T09:05:00Z');
    const comment = await network().writeComment('li', 'Refund please');
    expect(comment).toMatchObject({ kind: 'comment', inReplyToRemoteId: published.remoteId });
    const inbox = await connector.fetchInbox!(new Date('2026-12-01T08:00:00Z'));
    expect(inbox.filter((item) => item.author === 'sam' || item.author === 'li').map((i) => i.text)).toEqual([
      'Do you ship to Norway?',
      'Refund please',
    ]);
    // Read once: a poll since the comment does not see it again.
    expect((await connector.fetchInbox!(comment.receivedAt)).some((item) => item.author === 'li')).toBe(
      false,
    );
  });

  it('the live profile starts as options.profile and changes when someone edits it', async () => {
    const profile = { displayName: 'Acme Coffee', bio: 'Roasted in Leeds.', links: ['https://acme.example'] };
    const connector = await connect({ profile });
    expect(await connector.getProfile!()).toEqual(profile);
    await new SandboxNetwork(
      contextWith(state, () => now),
      'acme',
      'honour',
      profile,
    ).editProfile({ bio: 'New bio' });
    expect(await connector.getProfile!()).toEqual({ ...profile, bio: 'New bio' });
    expect(await (await connect({})).getProfile!()).toMatchObject({ bio: 'New bio' });
  });
});

describe('sandbox connector: replies, profile updates, credential renewal (SDK 2)', () => {
  let state: PluginStateStore;
  let now: Date;
  const item = { remoteId: 'c1', kind: 'comment' as const, author: 'sam' };
  const connect = async (options: Record<string, unknown>): Promise<OneStepConnector> => {
    const parsed = parseOptions({ handle: 'acme', ...options });
    if (parsed.issues) {
      throw new Error(parsed.issues.map((issue) => issue.message).join('; '));
    }
    return (await sandbox.create(
      contextWith(state, () => now),
      parsed.value,
    )) as OneStepConnector;
  };
  const network = () =>
    new SandboxNetwork(
      contextWith(state, () => now),
      'acme',
    );

  beforeEach(() => {
    state = memoryState();
    now = new Date('2026-12-01T09:00:00Z');
  });

  it('stores one reply per key, which lookup finds by the key', async () => {
    const connector = await connect({});
    const first = await connector.reply!(item, { idempotencyKey: 'reply-1', text: 'Thanks!' });
    expect(await connector.reply!(item, { idempotencyKey: 'reply-1', text: 'Thanks!' })).toEqual(first);
    expect(await connector.lookup!('reply-1')).toEqual(first);
    expect((await network().repliesTo('c1')).map((reply) => reply.text)).toEqual(['Thanks!']);
    expect(await connector.lookup!('reply-2')).toBeUndefined();
  });

  it('a reply that times out after sending is on the network', async () => {
    const connector = await connect({ faults: { mode: 'timeout-after-send' } });
    await expect(connector.reply!(item, { idempotencyKey: 'reply-1', text: 'Hi' })).rejects.toThrow(
      'timed out after the request was sent',
    );
    expect(await connector.lookup!('reply-1')).toMatchObject({ remoteId: expect.any(String) });
  });

  it('updateProfile changes only the fields given; a refusing platform rejects it, both counted', async () => {
    const connector = await connect({
      profile: { displayName: 'Acme', bio: 'Old', links: ['https://a.example'] },
    });
    expect(await connector.updateProfile!({ bio: 'New' })).toEqual({
      displayName: 'Acme',
      bio: 'New',
      links: ['https://a.example'],
    });
    expect(await connector.getProfile!()).toMatchObject({ bio: 'New' });
    const refusing = await connect({ faults: { updateProfile: 'refuse' } });
    await expect(refusing.updateProfile!({ bio: 'x' })).rejects.toThrow('refused by the platform (422)');
    expect(await state.get('profile:updates')).toBe(2);
  });

  it('has refreshCredentials only when faults.refresh says how it answers', async () => {
    expect((await connect({})).refreshCredentials).toBeUndefined();
    expect(await (await connect({ faults: { refresh: 'renews' } })).refreshCredentials!()).toBe(true);
    expect(await (await connect({ faults: { refresh: 'refuses' } })).refreshCredentials!()).toBe(false);
    await expect((await connect({ faults: { refresh: 'throws' } })).refreshCredentials!()).rejects.toThrow(
      'token endpoint unreachable',
    );
    expect(await state.get('credentials:refreshes')).toBe(3);
  });
});
