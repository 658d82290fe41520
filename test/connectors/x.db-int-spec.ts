import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import x from '../../plugins/x';
import { xOAuth } from '../../plugins/x/x-oauth';
import { threadParts } from '../../plugins/x/x-text';
import type { XOptions } from '../../plugins/x/x-options.schema';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type Connector,
  type PluginCredentials,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryCredentials,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import { XApiFake, type FakeFault } from '../fakes/x-api.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { optionsFor, X_SCOPES } from './x-fixtures';

/**
 * Exactly once for X, driven the way the core drives a connector (src/publishing/publish-failure.handler.ts): after
 * an unknown outcome `lookup` comes first, on a NEW instance (the worker that sent crashed); a 429 waits; a refused
 * token gets one `refreshCredentials` (X rotates the refresh token), and when renewing is refused too (revoked app) a
 * person reconnects (a new grant, a new instance). State in a real SQLite database (the host's PluginStateRepository),
 * OAuth credentials renewed by the plugin's own refresh against the fake's token endpoint. Counted ON THE FAKE.
 */
describe('x connector: exactly once through faults and token expiry (real SQLite state, counted on the fake)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let fake: XApiFake;
  let options: XOptions;
  let credentials: MemoryCredentials;
  let dir: string;

  const connect = (): MemoryCredentials => {
    const granted = fake.grant(X_SCOPES);
    const tools = { options, http: createFetchHttpClient('x'), clock: { now: () => new Date() } };
    return createMemoryCredentials(
      { ...granted, scopes: X_SCOPES, account: { id: fake.userId, username: fake.username } },
      (current) => xOAuth.refresh!(current, tools),
    );
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    fake = await new XApiFake().start();
    fake.processingChecks = 2;
    options = optionsFor(fake, fake.baseUrl, { timeoutMs: 500 });
    credentials = connect();
    dir = mkdtempSync(join(tmpdir(), 'x-media-'));
    writeFileSync(join(dir, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    writeFileSync(join(dir, 'clip.mp4'), Buffer.alloc(9 * 1024 * 1024 + 17, 7));
  });

  afterAll(async () => {
    await fake.stop();
    await db.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh instance, as a new worker (or a rebuilt channel after a reconnect) gets one: same database state. */
  function instance(): Connector {
    const base = new PluginContextFactory(new PluginStateRepository(dataSource)).create('x', 'acme/x');
    const held: PluginCredentials = {
      current: () => credentials.current(),
      refresh: () => credentials.refresh(),
    };
    return x.create({ ...base, credentials: held }, options) as Connector;
  }

  interface Log {
    attempts: number;
    lookups: number;
    found: number;
    rateLimited: number;
    refreshed: number;
    reconnects: number;
  }

  async function drive(request: PublishRequest, log: Log): Promise<PublishResult> {
    let connector = instance();
    let unknown = false;
    let refreshed = false;
    for (let round = 0; round < 12; round++) {
      if (unknown) {
        connector = instance();
        log.lookups += 1;
        const found = (await connector.lookup!(request.idempotencyKey)) as PublishResult | undefined;
        if (found) {
          log.found += 1;
          return found;
        }
        unknown = false;
      }
      log.attempts += 1;
      try {
        return (await connector.publish!(request)) as PublishResult;
      } catch (error) {
        if (error instanceof OutcomeUnknownError) {
          unknown = true;
        } else if (error instanceof RateLimitedError) {
          log.rateLimited += 1;
          expect(error.retryAt!.getTime()).toBeGreaterThan(Date.now());
        } else if (error instanceof AuthenticationError) {
          if (!refreshed && (await connector.refreshCredentials!().catch(() => false))) {
            refreshed = true;
            log.refreshed += 1;
          } else {
            credentials = connect(); // a person reconnects: a new grant, a new instance
            connector = instance();
            log.reconnects += 1;
            refreshed = false;
          }
        } else if (error instanceof PermanentError) {
          throw error;
        }
      }
    }
    throw new Error(`post ${request.idempotencyKey} was not published in 12 rounds`);
  }

  it('posts, a thread, an image and a video through lost answers, hangs, 5xx, 429, expiry and revocation: 0 duplicates, 0 lost', async () => {
    const faults: Array<FakeFault | 'expire' | 'revoke' | undefined> = [
      { kind: 'lose-answer' },
      { kind: 'hang-after-create' },
      { kind: 'status', status: 500 },
      { kind: 'rate-limited', resetAt: new Date(Date.now() + 60_000) },
      'expire',
      { kind: 'status', status: 503 },
      'revoke',
      undefined,
    ];
    const N = 16;
    const log: Log = { attempts: 0, lookups: 0, found: 0, rateLimited: 0, refreshed: 0, reconnects: 0 };
    const results: PublishResult[] = [];
    const threadText = Array.from(
      { length: 2 },
      (_, part) => `Thread part ${part + 1}. ${'Beans and more beans. '.repeat(10)}`,
    ).join(' ');
    for (let index = 0; index < N; index++) {
      const fault = faults[index % faults.length];
      if (fault === 'expire') {
        fake.expireAccessTokens();
      } else if (fault === 'revoke') {
        fake.revoke();
      } else if (fault) {
        fake.inject(fault);
      }
      const media =
        index === 5
          ? [{ path: join(dir, 'photo.jpg'), root: dir, mimeType: 'image/jpeg', altText: 'A bag of beans' }]
          : index === 9
            ? [{ path: join(dir, 'clip.mp4'), root: dir, mimeType: 'video/mp4' }]
            : [];
      const thread = index === 12;
      results.push(
        await drive(
          {
            idempotencyKey: `post-${index}:x`,
            text: thread
              ? threadText
              : `Exactly once, post ${index + 1} of ${N} <with> a link https://acme.example/p/${index} & more.`,
            media,
            scheduledAt: new Date(),
            extra: thread ? { thread: true } : {},
          },
          log,
        ),
      );
    }
    const texts = fake.posts().map((tweet) => tweet.text);
    for (let index = 0; index < N; index++) {
      if (index !== 12) {
        expect(texts.filter((text) => text.startsWith(`Exactly once, post ${index + 1} of`))).toHaveLength(1);
      }
    }
    const expected = threadParts(threadText);
    expect(expected).toHaveLength(2);
    const parts = expected.map((part) => fake.posts().filter((tweet) => tweet.text === part));
    expect(parts.map((found) => found.length)).toEqual([1, 1]);
    expect(parts[1][0].replyTo).toBe(parts[0][0].id);
    expect(fake.posts()).toHaveLength(N + 1);
    expect(new Set(results.map((result) => result.remoteId)).size).toBe(N);
    expect(fake.counts.duplicateRefusals).toBe(0);
    expect(fake.pendingFaults()).toBe(0);
    expect(fake.contractViolations).toEqual([]);
    expect(log.found).toBeGreaterThanOrEqual(2);
    expect(log.refreshed).toBeGreaterThanOrEqual(1);
    expect(log.reconnects).toBe(2); // revoked twice (posts 7 and 15)
    expect(log.rateLimited).toBe(2);
    // Media: the image with its alt text, the video in 3 chunks, processed before the post (STATUS asked).
    const image = fake.posts().find((tweet) => tweet.text.startsWith('Exactly once, post 6 '));
    expect(fake.mediaOf(image!.mediaIds[0])).toMatchObject({
      category: 'tweet_image',
      altText: 'A bag of beans',
    });
    const video = fake.posts().find((tweet) => tweet.text.startsWith('Exactly once, post 10 '));
    expect(fake.mediaOf(video!.mediaIds[0])).toMatchObject({
      category: 'tweet_video',
      finalized: true,
      pendingChecks: 0,
    });
    expect(fake.counts.appends).toBe(3);
    // A new instance (a restart) answers every key from the database.
    const fresh = instance();
    for (const [index, result] of results.entries()) {
      expect(await fresh.lookup!(`post-${index}:x`)).toEqual(result);
    }
  });

  it('a thread cut short by a lost answer resumes the chain without reposting the parts already up', async () => {
    const text = Array.from(
      { length: 3 },
      (_, part) => `Resume ${part + 1}. ${'Roasting notes. '.repeat(15)}`,
    ).join(' ');
    fake.inject(
      { kind: 'lose-answer' },
      (method, path) =>
        method === 'POST' && path === '/2/tweets' && fake.posts().some((t) => t.text.startsWith('Resume 1')),
    );
    const log: Log = { attempts: 0, lookups: 0, found: 0, rateLimited: 0, refreshed: 0, reconnects: 0 };
    const result = await drive(
      { idempotencyKey: 'resume:x', text, media: [], scheduledAt: new Date(), extra: { thread: true } },
      log,
    );
    const expected = threadParts(text);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const parts = expected.map((part) => fake.posts().filter((tweet) => tweet.text === part));
    expect(parts.map((found) => found.length)).toEqual(expected.map(() => 1));
    for (let index = 1; index < parts.length; index++) {
      expect(parts[index][0].replyTo).toBe(parts[index - 1][0].id);
    }
    expect(result.remoteId).toBe(parts[0][0].id);
    expect(log.lookups).toBe(1);
  });
});
