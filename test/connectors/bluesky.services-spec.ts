import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import bluesky from '../../plugins/bluesky';
import type { BlueskyOptions } from '../../plugins/bluesky/bluesky-options.schema';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { loadBuiltinPlugins } from '../../src/plugin-host/plugin.loader';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type OneStepConnector,
  type PluginContext,
  type PublishRequest,
} from '../../src/plugin-sdk';
import { startTestPds, type TestPds, type TestPdsAccount } from '../peers/pds/pds.harness';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

// Starting the PDS takes ~5–10 s; the rate-limit test makes ~30 sign-ins.
jest.setTimeout(120_000);

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const SCHEDULED = new Date('2026-12-02T09:15:00.000Z');

interface PostValue {
  text: string;
  createdAt: string;
  facets?: Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, string>> }>;
  embed?: {
    $type: string;
    images: Array<{ alt: string; image: { ref: { $link: string }; mimeType: string; size: number } }>;
  };
  reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
}

describe('Bluesky connector (against a real PDS: @atproto/pds on Node 22)', () => {
  let pds: TestPds;
  let alice: TestPdsAccount;
  let bob: TestPdsAccount;
  let carol: TestPdsAccount;
  let db: TestDatabase;
  let dataSource: DataSource;
  let factory: PluginContextFactory;
  let mediaDir: string;
  let scopes = 0;

  beforeAll(async () => {
    [pds, db] = await Promise.all([
      startTestPds({ rateLimits: true, accounts: ['alice', 'bob', 'carol'] }),
      createTestDatabase(),
    ]);
    [alice, bob, carol] = pds.accounts;
    dataSource = await db.openMigrated();
    factory = new PluginContextFactory(new PluginStateRepository(dataSource));
    mediaDir = mkdtempSync(join(tmpdir(), 'metronome-bluesky-'));
  });

  afterAll(async () => {
    await pds?.stop();
    await db?.dispose();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  /** The plugin as the host builds it: options through its schema, a real context on the test database. */
  async function connect(
    options: Partial<BlueskyOptions> = {},
    scope = `acme/bsky-${++scopes}`,
    wrap: (context: PluginContext) => PluginContext = (context) => context,
  ): Promise<{ connector: OneStepConnector; context: PluginContext; scope: string }> {
    const validated = await bluesky.options!['~standard'].validate({
      service: pds.url,
      identifier: alice.handle,
      appPassword: alice.appPassword,
      ...options,
    });
    if (validated.issues) {
      throw new Error(`options refused: ${JSON.stringify(validated.issues)}`);
    }
    const context = wrap(factory.create('bluesky', scope));
    return {
      connector: (await bluesky.create(context, validated.value)) as OneStepConnector,
      context,
      scope,
    };
  }

  function post(key: string, text: string, more: Partial<PublishRequest> = {}): PublishRequest {
    return { idempotencyKey: key, text, media: [], scheduledAt: SCHEDULED, extra: {}, ...more };
  }

  async function xrpcGet<T>(
    nsid: string,
    params: Record<string, string>,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${pds.url}/xrpc/${nsid}?${new URLSearchParams(params).toString()}`);
    return { status: response.status, body: (await response.json()) as T };
  }

  async function record(uri: string): Promise<{ uri: string; cid: string; value: PostValue } | undefined> {
    const [, , repo, collection, rkey] = uri.split('/');
    const { status, body } = await xrpcGet<{ uri: string; cid: string; value: PostValue }>(
      'com.atproto.repo.getRecord',
      { repo, collection, rkey },
    );
    return status === 200 ? body : undefined;
  }

  async function posts(
    account: TestPdsAccount,
  ): Promise<Array<{ uri: string; cid: string; value: PostValue }>> {
    const { body } = await xrpcGet<{ records: Array<{ uri: string; cid: string; value: PostValue }> }>(
      'com.atproto.repo.listRecords',
      { repo: account.did, collection: 'app.bsky.feed.post', limit: '100' },
    );
    return body.records;
  }

  function bytes(text: string, part: string): { byteStart: number; byteEnd: number } {
    const start = text.indexOf(part);
    return {
      byteStart: Buffer.byteLength(text.slice(0, start)),
      byteEnd: Buffer.byteLength(text.slice(0, start + part.length)),
    };
  }

  it('loads as a built-in plugin, declaring only what a PDS alone can do', () => {
    expect(loadBuiltinPlugins().find((plugin) => plugin.name === 'bluesky')).toMatchObject({
      status: 'loaded',
      kind: 'connector',
    });
    expect(bluesky.capabilities).toEqual({
      publish: true,
      delete: true,
      profile: true,
      reply: true,
      updateProfile: true,
      text: { graphemes: 300, bytes: 3000 },
      thread: { maxParts: 100 },
      media: expect.objectContaining({ maxCount: 4, maxBytes: 1_000_000, maxImageBytes: 1_000_000 }),
    });
  });

  it('publishes text whose link, mention and hashtag become facets over the right UTF-8 bytes', async () => {
    const { connector } = await connect();
    const text = `Grüße ☕️ from the roastery with @${bob.handle}: https://acme.example/winter-blend?x=1. #coffee time`;

    const result = await connector.publish!(post('facets/bsky', text));

    const rkey = result.remoteId.split('/').pop()!;
    expect(result.remoteId).toBe(`at://${alice.did}/app.bsky.feed.post/${rkey}`);
    expect(result.url).toBe(`https://bsky.app/profile/${alice.handle}/post/${rkey}`);
    const stored = await record(result.remoteId);
    expect(stored?.value.text).toBe(text);
    expect(stored?.value.facets).toEqual([
      {
        $type: 'app.bsky.richtext.facet',
        index: bytes(text, `@${bob.handle}`),
        features: [{ $type: 'app.bsky.richtext.facet#mention', did: bob.did }],
      },
      {
        $type: 'app.bsky.richtext.facet',
        index: bytes(text, 'https://acme.example/winter-blend?x=1'),
        features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://acme.example/winter-blend?x=1' }],
      },
      {
        $type: 'app.bsky.richtext.facet',
        index: bytes(text, '#coffee'),
        features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'coffee' }],
      },
    ]);
  });

  it('leaves a mention of a handle that does not exist as plain text', async () => {
    const { connector } = await connect();
    const result = await connector.publish!(post('ghost/bsky', 'Hello @nobody-here.test and friends'));
    expect((await record(result.remoteId))?.value.facets).toBeUndefined();
  });

  it('uploads images and puts them on the post with their alt text', async () => {
    const image = join(mediaDir, 'beans.png');
    writeFileSync(image, PNG);
    const { connector } = await connect();

    const result = await connector.publish!(
      post('image/bsky', 'New beans', {
        media: [{ path: image, mimeType: 'image/png', altText: 'A bag of winter blend beside a V60' }],
      }),
    );

    const embed = (await record(result.remoteId))?.value.embed;
    expect(embed).toMatchObject({
      $type: 'app.bsky.embed.images',
      images: [
        { alt: 'A bag of winter blend beside a V60', image: { mimeType: 'image/png', size: PNG.length } },
      ],
    });
    const blob = await fetch(
      `${pds.url}/xrpc/com.atproto.sync.getBlob?did=${alice.did}&cid=${embed!.images[0].image.ref.$link}`,
    );
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(PNG);
  });

  it('refuses an image over the lexicon’s size limit before sending anything', async () => {
    const big = join(mediaDir, 'big.png');
    writeFileSync(big, Buffer.alloc(2_000_001));
    const { connector } = await connect();
    const before = (await posts(alice)).length;

    await expect(
      connector.publish!(post('big/bsky', 'Too big', { media: [{ path: big, mimeType: 'image/png' }] })),
    ).rejects.toThrow(PermanentError);
    expect(await posts(alice)).toHaveLength(before);
  });

  it('publishes a long text as a thread when asked, each part a reply to the one before', async () => {
    const { connector } = await connect();
    const sentence = 'Our roasting diary, day by day, with every batch noted down carefully. ';
    const text = sentence.repeat(10).trim();

    await expect(connector.publish!(post('long/bsky', text))).rejects.toThrow(/extra\.thread: true/);
    const result = await connector.publish!(post('thread/bsky', text, { extra: { thread: true } }));

    const thread = (await posts(alice)).filter((item) => item.value.text.startsWith('Our roasting diary'));
    thread.sort((a, b) => (a.uri < b.uri ? -1 : 1));
    expect(thread).toHaveLength(3);
    expect(thread.map((item) => item.value.text).join(' ')).toBe(text);
    const [root, second, third] = thread;
    expect(root.uri).toBe(result.remoteId);
    expect(root.value.reply).toBeUndefined();
    expect(second.value.reply).toEqual({
      root: { uri: root.uri, cid: root.cid },
      parent: { uri: root.uri, cid: root.cid },
    });
    expect(third.value.reply).toEqual({
      root: { uri: root.uri, cid: root.cid },
      parent: { uri: second.uri, cid: second.cid },
    });

    await connector.delete!(result.remoteId);
    for (const item of thread) {
      expect(await record(item.uri)).toBeUndefined();
    }
  });

  it('never duplicates a post: a retry, a lost answer and a lost state all end with one record', async () => {
    const text = 'Only once, whatever happens';
    const count = async () => (await posts(alice)).filter((item) => item.value.text === text).length;
    const first = await connect();
    const published = await first.connector.publish!(post('once/bsky', text));

    // The same connector again (a retry of a publish that succeeded).
    expect(await first.connector.publish!(post('once/bsky', text))).toEqual(published);
    // A crash after the PDS took the record but before the result was saved: a new instance finds it.
    const plan = await first.context.state.get<Record<string, unknown>>('post:once/bsky');
    await first.context.state.set('post:once/bsky', { ...plan, result: undefined });
    const restarted = await connect({}, first.scope);
    expect(await restarted.connector.lookup!('once/bsky')).toEqual(published);
    // The channel's state lost altogether: the record key collides on the PDS and the record there is taken.
    const fresh = await connect();
    expect((await fresh.connector.publish!(post('once/bsky', text))).remoteId).toBe(published.remoteId);

    expect(await count()).toBe(1);
  });

  it('turns a request that got no answer into an unknown outcome, which lookup then reconciles', async () => {
    const text = 'Sent into the void';
    const noAnswerToCreate = (context: PluginContext): PluginContext => ({
      ...context,
      http: {
        request: (url, init = {}) =>
          context.http.request(url, url.includes('createRecord') ? { ...init, timeoutMs: 1 } : init),
      },
    });
    const { connector, scope } = await connect({}, undefined, noAnswerToCreate);

    await expect(connector.publish!(post('void/bsky', text))).rejects.toThrow(OutcomeUnknownError);

    // Whether or not the PDS took it, lookup and a retry after the "crash" agree, and there is one record at most.
    const restarted = await connect({}, scope);
    const found = await restarted.connector.lookup!('void/bsky');
    const retried = await restarted.connector.publish!(post('void/bsky', text));
    if (found) {
      expect(retried).toEqual(found);
    }
    expect((await posts(alice)).filter((item) => item.value.text === text)).toHaveLength(1);
  });

  it('deletes a post; deleting it again is fine', async () => {
    const { connector } = await connect();
    const result = await connector.publish!(post('gone/bsky', 'Here for a moment'));
    await connector.delete!(result.remoteId);
    expect(await record(result.remoteId)).toBeUndefined();
    await expect(connector.delete!(result.remoteId)).resolves.toBeUndefined();
    expect(await connector.lookup!('gone/bsky')).toBeUndefined();
  });

  it('reads the profile record without an AppView', async () => {
    const session = await fetch(`${pds.url}/xrpc/com.atproto.server.createSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: bob.handle, password: bob.password }),
    });
    const { accessJwt } = (await session.json()) as { accessJwt: string };
    const put = await fetch(`${pds.url}/xrpc/com.atproto.repo.putRecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessJwt}` },
      body: JSON.stringify({
        repo: bob.did,
        collection: 'app.bsky.actor.profile',
        rkey: 'self',
        record: {
          $type: 'app.bsky.actor.profile',
          displayName: 'Bob’s Bakery',
          description: 'Bread daily. Orders: https://bob.example/orders.',
        },
      }),
    });
    expect(put.status).toBe(200);
    const { connector } = await connect({ identifier: bob.handle, appPassword: bob.appPassword });
    const { connector: empty } = await connect({ identifier: carol.did, appPassword: carol.appPassword });

    expect(await connector.getProfile!()).toEqual({
      displayName: 'Bob’s Bakery',
      bio: 'Bread daily. Orders: https://bob.example/orders.',
      links: ['https://bob.example/orders'],
      pinned: undefined,
    });
    expect(await empty.getProfile!()).toEqual({ links: [] });
  });

  it('replies to a post in a thread with strong refs to its root and parent; lookup finds it; a retry adds nothing', async () => {
    const { connector: bobs } = await connect({ identifier: bob.handle, appPassword: bob.appPassword });
    const root = await bobs.publish!(post('reply-root/bsky', 'Fresh bread at 8.'));
    const { connector } = await connect();
    const first = await connector.reply!(
      { remoteId: root.remoteId, kind: 'comment', author: bob.handle },
      { idempotencyKey: 'reply-1', text: 'Saving one for me?' },
    );
    const rootRecord = (await record(root.remoteId))!;
    const firstRecord = (await record(first.remoteId))!;
    // Bob answers our reply: his points at the thread's root and at our reply.
    const answer = await bobs.reply!(
      { remoteId: first.remoteId, kind: 'reply', author: alice.handle },
      { idempotencyKey: 'reply-bob', text: 'Always.' },
    );
    expect(firstRecord.value.reply).toEqual({
      root: { uri: root.remoteId, cid: rootRecord.cid },
      parent: { uri: root.remoteId, cid: rootRecord.cid },
    });
    expect((await record(answer.remoteId))!.value.reply).toEqual({
      root: { uri: root.remoteId, cid: rootRecord.cid },
      parent: { uri: first.remoteId, cid: firstRecord.cid },
    });
    expect(await connector.lookup!('reply-1')).toEqual(first);
    expect(
      await connector.reply!(
        { remoteId: root.remoteId, kind: 'comment', author: bob.handle },
        { idempotencyKey: 'reply-1', text: 'Saving one for me?' },
      ),
    ).toEqual(first);
    expect((await posts(alice)).filter((p) => p.value.text === 'Saving one for me?')).toHaveLength(1);
  });

  it('updateProfile puts the profile record with swapRecord, keeping what it does not change', async () => {
    const { connector } = await connect({ identifier: carol.handle, appPassword: carol.appPassword });
    expect(
      await connector.updateProfile!({
        displayName: 'Carol’s Café',
        bio: 'Espresso. Menu: https://carol.example/menu',
      }),
    ).toMatchObject({ displayName: 'Carol’s Café', bio: 'Espresso. Menu: https://carol.example/menu' });
    expect(
      await connector.updateProfile!({ links: ['https://carol.example', 'https://carol.example/menu'] }),
    ).toEqual({
      displayName: 'Carol’s Café',
      bio: 'Espresso. Menu: https://carol.example/menu',
      links: ['https://carol.example', 'https://carol.example/menu'],
      pinned: undefined,
    });
    // One website per profile: another link must already be in the bio.
    await expect(
      connector.updateProfile!({ links: ['https://carol.example', 'https://carol.example/shop'] }),
    ).rejects.toThrow('a Bluesky profile holds one website; https://carol.example/shop must be in the bio');
  });

  it('renews a session the PDS stops accepting: by refresh token, else by signing in again', async () => {
    const calls: string[] = [];
    /** Spoils the tokens on the next request of these kinds: the PDS then answers 400 InvalidToken. */
    const spoil = new Set<string>();
    const tamper = (context: PluginContext): PluginContext => ({
      ...context,
      http: {
        request: (url, init = {}) => {
          const nsid = new URL(url).pathname.replace('/xrpc/', '');
          calls.push(nsid);
          const headers = { ...init.headers };
          if (spoil.delete(nsid) && headers.authorization) {
            headers.authorization = `${headers.authorization}spoiled`;
          }
          return context.http.request(url, { ...init, headers });
        },
      },
    });
    const { connector } = await connect({}, undefined, tamper);
    await connector.publish!(post('session-1/bsky', 'First, signed in'));
    expect(calls.filter((nsid) => nsid === 'com.atproto.server.createSession')).toHaveLength(1);

    calls.length = 0;
    spoil.add('com.atproto.repo.createRecord');
    await connector.publish!(post('session-2/bsky', 'Second, after a refresh'));
    expect(calls).toEqual([
      'com.atproto.repo.createRecord',
      'com.atproto.server.refreshSession',
      'com.atproto.repo.createRecord',
    ]);

    calls.length = 0;
    spoil.add('com.atproto.repo.createRecord');
    spoil.add('com.atproto.server.refreshSession');
    await connector.publish!(post('session-3/bsky', 'Third, signed in again'));
    expect(calls).toEqual([
      'com.atproto.repo.createRecord',
      'com.atproto.server.refreshSession',
      'com.atproto.server.createSession',
      'com.atproto.repo.createRecord',
    ]);
    const texts = (await posts(alice)).map((item) => item.value.text);
    expect(texts).toEqual(
      expect.arrayContaining(['First, signed in', 'Second, after a refresh', 'Third, signed in again']),
    );
  });

  it('refuses a wrong app password with an AuthenticationError that says what to do', async () => {
    const { connector } = await connect({ appPassword: 'aaaa-bbbb-cccc-dddd' });
    const failure = connector.publish!(post('denied/bsky', 'Never sent'));
    await expect(failure).rejects.toThrow(AuthenticationError);
    await expect(failure).rejects.toThrow(/alice\.test.*App passwords/);
  });

  it('reports the PDS’s sign-in rate limit as RateLimitedError, never before the reset the PDS gave', async () => {
    let limited: RateLimitedError | undefined;
    for (let attempt = 0; attempt < 40 && !limited; attempt++) {
      const { connector } = await connect({ identifier: carol.handle, appPassword: 'wxyz-wxyz-wxyz-wxyz' });
      try {
        await connector.getProfile!();
      } catch (error) {
        if (error instanceof RateLimitedError) {
          limited = error;
        } else {
          expect(error).toBeInstanceOf(AuthenticationError);
        }
      }
    }
    expect(limited).toBeInstanceOf(RateLimitedError);
    const again = await fetch(`${pds.url}/xrpc/com.atproto.server.createSession`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: carol.handle, password: 'wxyz-wxyz-wxyz-wxyz' }),
    });
    expect(again.status).toBe(429);
    // The PDS rounds RateLimit-Reset down to the second and Retry-After up (counted from its answer): the connector
    // takes the later of the two, so its retry time is at the header's reset or less than two seconds after it
    // (one of rounding down, one of rounding up), never before.
    const reset = Number(again.headers.get('ratelimit-reset')) * 1000;
    expect(limited!.retryAt!.getTime()).toBeGreaterThanOrEqual(reset);
    expect(limited!.retryAt!.getTime()).toBeLessThan(reset + 2000);
    expect(limited!.message).toMatch(/rate limit/);
  });
});
