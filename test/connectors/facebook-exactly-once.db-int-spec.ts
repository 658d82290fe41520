import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import facebook from '../../plugins/facebook';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type Connector,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import { FacebookGraphFake, type GraphFault } from '../fakes/facebook-graph.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/**
 * The exactly-once run of issue 15 §4 for the facebook connector: posts published through faults, driven the way
 * the core drives a connector (src/publishing/publish-failure.handler.ts): after an unknown outcome (a lost answer,
 * a timeout after sending, a 5xx on a create) `lookup` comes before any resend, on a NEW connector instance (the
 * worker that sent it crashed); a 429/80001 waits; a refused token waits for a person to reconnect (a new token, a
 * rebuilt instance). The connector's state lives in a real SQLite database (the host's PluginStateRepository) and
 * HTTP goes through the host's own plugin HTTP client. Duplicates and losses are counted ON THE FAKE.
 */
describe('facebook connector: exactly once through faults (real SQLite state, counted on the Graph fake)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let fake: FacebookGraphFake;
  let media: Server;
  let mediaUrl: string;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    media = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    fake = await new FacebookGraphFake().start();
    token = fake.issuePageToken();
  });

  afterAll(async () => {
    await fake.stop();
    media.closeAllConnections();
    await new Promise((resolve) => media.close(resolve));
    await db.dispose();
  });

  /** A fresh instance, as a new worker (or a rebuilt channel after a reconnect) gets one: same database state. */
  async function instance(): Promise<Connector> {
    const validated = await facebook.options!['~standard'].validate({
      pageId: fake.page.id,
      accessToken: token,
      clientSecret: fake.appSecret,
      clientId: fake.appId,
      graphBaseUrl: fake.baseUrl,
    });
    if (validated.issues) {
      throw new Error(JSON.stringify(validated.issues));
    }
    const base = new PluginContextFactory(new PluginStateRepository(dataSource)).create(
      'facebook',
      'acme/facebook',
    );
    const context = {
      ...base,
      // The host's client, with its timeout cut to a second so a held answer does not take 15 s here.
      http: {
        request: (url: string, init: Parameters<typeof base.http.request>[1] = {}) =>
          base.http.request(url, { ...init, timeoutMs: Math.min(init.timeoutMs ?? 15_000, 1_000) }),
      },
      media: { publicUrl: (file: { path: string }) => `${mediaUrl}${file.path}` },
    };
    return facebook.create(context, validated.value);
  }

  interface Log {
    attempts: number;
    lookups: number;
    foundByLookup: number;
    rateLimited: number;
    reconnects: number;
  }

  /** One post, driven as the core drives it, until it is published (or refused for good). */
  async function drive(request: PublishRequest, log: Log): Promise<PublishResult> {
    let connector = await instance();
    let unknown = false;
    for (let round = 0; round < 10; round++) {
      if (unknown) {
        connector = await instance(); // the worker that sent it crashed: another one reconciles
        log.lookups += 1;
        const found = (await connector.lookup!(request.idempotencyKey)) as PublishResult | undefined;
        if (found) {
          log.foundByLookup += 1;
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
          log.rateLimited += 1; // the channel waits until retryAt; the fake's throttle is one-shot
        } else if (error instanceof AuthenticationError) {
          expect(await connector.refreshCredentials!()).toBe(false);
          token = fake.issuePageToken(); // a person reconnects the channel: a new Page token, a new instance
          connector = await instance();
          log.reconnects += 1;
        } else if (error instanceof PermanentError) {
          throw error;
        }
        // Anything else is transient: sent again with backoff, no lookup needed.
      }
    }
    throw new Error(`post ${request.idempotencyKey} was not published in 10 rounds`);
  }

  it('N posts through lost answers, held answers, 5xx, throttling and a session expiry: 0 duplicates, 0 lost', async () => {
    const faults: Array<[GraphFault | 'expire-session', 'POST feed' | 'POST photos' | undefined]> = [
      [{ kind: 'lose-answer' }, 'POST feed'],
      [{ kind: 'hang-after-send' }, 'POST feed'],
      [{ kind: 'server-error' }, 'POST feed'],
      [{ kind: 'throttled', minutes: 3 }, 'POST feed'],
      ['expire-session', undefined],
      [{ kind: 'lose-answer' }, 'POST photos'],
      [{ kind: 'lose-answer' }, 'POST feed'],
      [{ kind: 'throttled', minutes: 1 }, 'POST photos'],
    ];
    const N = 16;
    const log: Log = { attempts: 0, lookups: 0, foundByLookup: 0, rateLimited: 0, reconnects: 0 };
    const requests = Array.from({ length: N }, (_, index): PublishRequest => {
      const photos = index % 4 === 3 ? 3 : index % 4 === 2 ? 1 : 0;
      return {
        idempotencyKey: `post-${index}:facebook`,
        text: `Exactly once, post ${index + 1} of ${N}.`,
        media: Array.from({ length: photos }, (_, n) => ({
          path: `/content/acme/p${index}-${n}.jpg`,
          mimeType: 'image/jpeg',
        })),
        scheduledAt: new Date(),
        extra: index % 4 === 1 ? { link: `https://acme.example/${index}` } : {},
      };
    });
    const results: PublishResult[] = [];
    for (const [index, request] of requests.entries()) {
      const fault = faults[index];
      if (fault?.[0] === 'expire-session') {
        fake.expireSession();
      } else if (fault) {
        fake.fail(fault[0], fault[1]);
      }
      results.push(await drive(request, log));
    }

    // Counted on the fake: every text once, nothing else, each answered id the post on the Page.
    for (const [index, request] of requests.entries()) {
      const posts = fake.postsWithMessage(request.text);
      expect(posts).toHaveLength(1);
      expect(posts[0].id).toBe(results[index].remoteId);
      expect(posts[0].photoIds).toHaveLength(request.media.length);
    }
    expect(fake.pagePosts()).toHaveLength(N);
    // No photo was attached twice or left over from a retry of a multi-photo post.
    const unattached = [...fake.photos.values()].filter((photo) => !photo.attachedTo);
    expect(unattached).toEqual([]);
    // Every kind of fault was met, and the unknown outcomes were settled by lookup, not by sending again.
    expect(log.foundByLookup).toBeGreaterThanOrEqual(3);
    expect(log.rateLimited).toBe(2);
    expect(log.reconnects).toBe(1);
    expect(new Set(results.map((result) => result.remoteId)).size).toBe(N);
  });
});
