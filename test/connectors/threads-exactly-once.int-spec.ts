import threads from '../../plugins/threads';
import { threadsOAuth } from '../../plugins/threads/threads-oauth';
import type { ThreadsOptions } from '../../plugins/threads/threads-options.schema';
import {
  AuthenticationError,
  isPublishAccepted,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type Connector,
  type PublishOutcome,
  type PublishResult,
} from '../../src/plugin-sdk';
import {
  createMemoryCredentials,
  createMemoryStateStore,
  createTestPluginContext,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import { ThreadsApiFake, type FakeFault } from '../fakes/threads-api.fake';

const DAY = 86_400_000;
const createsContainer = (method: string, path: string) => method === 'POST' && path.endsWith('/threads');
const publishes = (method: string, path: string) => method === 'POST' && path.endsWith('/threads_publish');

/** The faults of issue 15's exactly-once suite, one per post in turn. */
const FAULTS: Array<{
  name: string;
  where?: (method: string, path: string) => boolean;
  fault?: FakeFault;
  crashAfterAccept?: boolean;
}> = [
  { name: 'none' },
  {
    name: 'crash after container create (answer lost)',
    where: createsContainer,
    fault: { kind: 'lose-answer' },
  },
  { name: 'crash after publish request (answer lost)', where: publishes, fault: { kind: 'lose-answer' } },
  { name: 'timeout after send (publish)', where: publishes, fault: { kind: 'hang' } },
  {
    name: '429 on container create',
    where: createsContainer,
    fault: { kind: 'status', status: 429, code: 4, headers: { 'retry-after': '30' } },
  },
  { name: '500 on publish', where: publishes, fault: { kind: 'status', status: 500, code: 1 } },
  {
    name: '500 on container create',
    where: createsContainer,
    fault: { kind: 'status', status: 500, code: 1 },
  },
  { name: 'worker killed after accept, before the core recorded the handle', crashAfterAccept: true },
];

describe('threads connector: exactly once under faults, counted on the fake', () => {
  let fake: ThreadsApiFake;
  let credentials: MemoryCredentials;
  const state = createMemoryStateStore();

  beforeAll(async () => {
    fake = await new ThreadsApiFake().start();
    fake.mediaStatusReads = 0;
  });

  afterAll(async () => {
    await fake.stop();
  });

  /** A new connector instance on the same state store and credentials: a restarted worker. */
  async function worker(): Promise<Connector> {
    const validated = await threads.options!['~standard'].validate({
      apiBaseUrl: fake.baseUrl,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      timeoutMs: 300,
    });
    if (validated.issues) {
      throw new Error(JSON.stringify(validated.issues));
    }
    const options: ThreadsOptions = validated.value;
    const clock = () => new Date(fake.now());
    const context = createTestPluginContext({
      plugin: 'threads',
      scope: 'acme/threads',
      clock,
      state,
      credentials,
    });
    return threads.create(context, options);
  }

  /**
   * The core's way (src/publishing): publish; after an unknown outcome, lookup before anything is sent again; after
   * "accepted", only status(handle); a rate limit waits until its reset; any other error is retried.
   */
  async function drive(key: string, text: string, crashAfterAccept: boolean): Promise<PublishResult> {
    let handle: string | undefined;
    let unknown = false;
    let crashed = false;
    for (let attempt = 0; attempt < 15; attempt++) {
      const connector = await worker();
      try {
        if (!handle) {
          let outcome: PublishOutcome | undefined = unknown ? await connector.lookup!(key) : undefined;
          unknown = false;
          outcome ??= await connector.publish!({
            idempotencyKey: key,
            text,
            media: [],
            scheduledAt: new Date(fake.now()),
            extra: {},
          });
          if (!isPublishAccepted(outcome)) {
            return outcome;
          }
          if (crashAfterAccept && !crashed) {
            // The worker died before the core stored the handle: the next one only knows the outcome is unknown.
            crashed = true;
            unknown = true;
            continue;
          }
          handle = outcome.handle;
        }
        const status = await connector.status!(handle);
        if (status.status === 'published') {
          return status.result;
        }
        if (status.status === 'failed') {
          throw new Error(`post ${key} failed: ${status.reason}`);
        }
      } catch (error) {
        if (error instanceof PermanentError || error instanceof AuthenticationError) {
          throw error;
        }
        if (error instanceof RateLimitedError) {
          fake.advance(Math.max(0, error.retryAt!.getTime() - fake.now()));
        } else if (error instanceof OutcomeUnknownError && !handle) {
          unknown = true;
        }
      }
    }
    throw new Error(`post ${key} was never published`);
  }

  it('publishes 40 posts under every fault, and a token expiring mid-run, with 0 duplicates and 0 lost', async () => {
    // A long-lived token that expires a few minutes into the run: renewed once, ahead of expiry.
    const issued = fake.issueLongLivedToken(60 * DAY - 5 * 60_000);
    credentials = createMemoryCredentials(
      { ...issued, account: { userId: fake.userId } },
      async (held) => {
        const base = createTestPluginContext({ clock: () => new Date(fake.now()) });
        const validated = await threads.options!['~standard'].validate({
          apiBaseUrl: fake.baseUrl,
          clientId: 'x',
          clientSecret: 'y',
        });
        return threadsOAuth.refresh!(held, {
          options: validated.issues ? ({} as ThreadsOptions) : validated.value,
          http: base.http,
          clock: base.clock,
        });
      },
      () => new Date(fake.now()),
    );
    const posts = Array.from({ length: 40 }, (_, n) => ({
      key: `post-${n}:threads`,
      text: `Exactly once #${n}`,
      plan: FAULTS[n % FAULTS.length],
    }));
    const results = new Map<string, PublishResult>();
    for (const post of posts) {
      if (post.plan.where && post.plan.fault) {
        fake.failNext(post.plan.where, post.plan.fault);
      }
      results.set(post.key, await drive(post.key, post.text, post.plan.crashAfterAccept ?? false));
      fake.advance(10_000);
    }

    // Counted on the fake: each text once, nothing lost, and each answered remoteId is that post.
    const duplicates = posts.filter((post) => fake.postsWithText(post.text) > 1);
    const lost = posts.filter((post) => fake.postsWithText(post.text) === 0);
    expect({ duplicates: duplicates.length, lost: lost.length }).toEqual({ duplicates: 0, lost: 0 });
    expect(fake.posts()).toHaveLength(40);
    for (const post of posts) {
      expect(fake.posts().find((media) => media.text === post.text)!.id).toBe(
        results.get(post.key)!.remoteId,
      );
    }
    // No container was published twice; only a container whose creation answer was lost is left behind, unpublished.
    expect(fake.counters.publishCalls).toBeGreaterThanOrEqual(40);
    const orphans = [...fake.containers.values()].filter((container) => container.status !== 'PUBLISHED');
    expect(orphans).toHaveLength(
      posts.filter((post) => post.plan.name.startsWith('crash after container create')).length,
    );
    expect(fake.counters.containersCreated).toBe(40 + orphans.length);
    // The token was renewed exactly once.
    expect(fake.counters.tokenRequests.refresh).toBe(1);
    expect(credentials.refreshes).toBe(1);
  }, 60_000);
});
