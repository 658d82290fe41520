import { InstagramConnector } from '../../plugins/instagram/instagram.connector';
import { instagramOAuth } from '../../plugins/instagram/instagram-oauth';
import type { InstagramOptions } from '../../plugins/instagram/instagram-options.schema';
import { INSTAGRAM_API_VERSION } from '../../plugins/instagram/instagram-version';
import {
  AuthenticationError,
  PermanentError,
  RateLimitedError,
  isPublishAccepted,
  type OAuthTokenResponse,
  type PublishOutcome,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryStateStore,
  createTestPluginContext,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import type { PluginStateStore } from '../../src/plugin-sdk';
import { InstagramGraphFake } from '../fakes/instagram-graph.fake';
import {
  JPEG,
  MP4,
  fakeCredentials,
  options,
  startFixtureMediaHost,
  withMediaLinks,
} from './instagram.harness';

type MediaHost = Awaited<ReturnType<typeof startFixtureMediaHost>>;

describe('instagram connector against the Instagram Graph contract fake', () => {
  let fake: InstagramGraphFake;
  let media: MediaHost;
  let state: PluginStateStore;
  let credentials: MemoryCredentials;
  let token: string;

  const isPublish = (method: string, path: string) => method === 'POST' && path.endsWith('/media_publish');
  const isCreate = (method: string, path: string) => method === 'POST' && path.endsWith('/media');

  /** A connector instance on the shared state (a new one is a restarted worker). */
  function connector(overrides: Partial<InstagramOptions> = {}): InstagramConnector {
    const context = createTestPluginContext({
      plugin: 'instagram',
      state,
      credentials,
      maxRequestTimeoutMs: 500,
    });
    return new InstagramConnector(withMediaLinks(context, media.url), { ...options(fake), ...overrides });
  }

  function request(key: string, text: string, files = [JPEG()]): PublishRequest {
    return { idempotencyKey: key, text, media: files, scheduledAt: new Date(), extra: {} };
  }

  /**
   * What src/publishing does: publish; after an accept, status until published or failed; after an unknown
   * outcome (or a rate limit, or a transient error) lookup before any resend; after an AuthenticationError one
   * refreshCredentials, then send again. `restart` gives each retry a new instance (a crashed worker).
   */
  async function drive(
    post: PublishRequest,
    make: () => InstagramConnector = () => connector(),
    restart = false,
  ): Promise<PublishResult> {
    let instance = make();
    let outcome: PublishOutcome | undefined;
    let refreshed = false;
    let failedBefore = false;
    for (let step = 0; step < 40; step++) {
      try {
        if (!outcome) {
          outcome = failedBefore
            ? ((await instance.lookup(post.idempotencyKey)) ?? (await instance.publish(post)))
            : await instance.publish(post);
        }
        if (!isPublishAccepted(outcome)) {
          return outcome;
        }
        const status = await instance.status(outcome.handle);
        if (status.status === 'published') {
          return status.result;
        }
        if (status.status === 'failed') {
          throw new PermanentError(status.reason);
        }
      } catch (error) {
        if (error instanceof PermanentError) {
          throw error;
        }
        if (error instanceof AuthenticationError) {
          if (refreshed || !(await instance.refreshCredentials())) {
            throw error;
          }
          refreshed = true;
        }
        failedBefore = true;
        if (restart) {
          instance = make();
        }
      }
    }
    throw new Error(`drive: ${post.idempotencyKey} never settled`);
  }

  beforeEach(async () => {
    fake = await new InstagramGraphFake({
      videoPollsUntilFinished: 2,
      quotaTotal: 50,
      commentPageSize: 2,
    }).start();
    media = await startFixtureMediaHost();
    state = createMemoryStateStore();
    token = fake.issueToken();
    credentials = fakeCredentials(fake, options(fake), token);
  });

  afterEach(async () => {
    await media.stop();
    await fake.stop();
  });

  it('publishes an image with alt text through one container, fetched by Instagram from the media link', async () => {
    const result = await drive(request('img-1', 'Hello #acme', [JPEG('photo.jpg', 'A red chair')]));
    expect(fake.mediaWithCaption('Hello #acme').map((item) => item.id)).toEqual([result.remoteId]);
    const [container] = fake.containers.values();
    expect(container).toMatchObject({ kind: 'IMAGE', altText: 'A red chair', status: 'PUBLISHED' });
    expect(fake.counters).toMatchObject({ containersCreated: 1, publishes: 1, mediaFetches: 1 });
    expect([...fake.apiVersions]).toEqual([INSTAGRAM_API_VERSION]);
  });

  it('answers accepted first, then publishes a carousel once every item is FINISHED', async () => {
    const files = [JPEG('photo1.jpg'), MP4('reel.mp4'), JPEG('photo2.jpg')];
    const instance = connector();
    const accepted = await instance.publish(request('carousel-1', 'Three things', files));
    expect(accepted).toMatchObject({ status: 'accepted', handle: 'carousel-1' });
    expect(await instance.status('carousel-1')).toMatchObject({ status: 'finishing' }); // the video item processes
    const result = await drive(request('carousel-1', 'Three things', files));
    const [published] = fake.mediaWithCaption('Three things');
    expect(published).toMatchObject({ id: result.remoteId, kind: 'CAROUSEL', children: 3 });
    expect(fake.counters.containersCreated).toBe(4);
  });

  it('publishes a reel after its container leaves IN_PROGRESS', async () => {
    const instance = connector();
    await instance.publish(request('reel-1', 'Watch this', [MP4()]));
    expect(await instance.status('reel-1')).toMatchObject({ status: 'finishing' });
    const result = await drive(request('reel-1', 'Watch this', [MP4()]));
    expect(fake.mediaWithCaption('Watch this')).toEqual([
      expect.objectContaining({ id: result.remoteId, kind: 'REELS' }),
    ]);
  });

  it('fails the post with Instagram’s reason when the media is not a JPEG (container ERROR)', async () => {
    await expect(drive(request('bad-1', 'Oops', [JPEG('not-a-jpeg.jpg')]))).rejects.toThrow(
      /could not process the media/,
    );
    expect(fake.counters.publishes).toBe(0);
  });

  it('refuses a post without media: Instagram has no text-only posts', async () => {
    await expect(connector().publish(request('text-only', 'Just words', []))).rejects.toBeInstanceOf(
      PermanentError,
    );
  });

  it('checks the 24-hour quota before creating a container and waits until the oldest publish leaves the window', async () => {
    await fake.stop();
    fake = await new InstagramGraphFake({ quotaTotal: 2 }).start();
    credentials = fakeCredentials(fake, options(fake));
    const first = await drive(request('q-1', 'one'));
    await drive(request('q-2', 'two'));
    const error = await connector()
      .publish(request('q-3', 'three'))
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RateLimitedError);
    const retryAt = (error as RateLimitedError).retryAt!.getTime();
    expect(retryAt).toBeGreaterThanOrEqual(first.publishedAt!.getTime() + 86_400_000);
    expect(retryAt).toBeLessThan(first.publishedAt!.getTime() + 86_400_000 + 60_000);
    expect(fake.counters.containersCreated).toBe(2);
  });

  it('maps a throttled answer to RateLimitedError with the X-Business-Use-Case-Usage reset', async () => {
    fake.failNext(isCreate, {
      status: 400,
      code: 4,
      message: 'Application request limit reached',
      headers: {
        'x-business-use-case-usage': JSON.stringify({
          [fake.userId]: [{ type: 'instagram', estimated_time_to_regain_access: 7 }],
        }),
      },
    });
    const before = Date.now();
    const error = await connector()
      .publish(request('throttled', 'later'))
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt!.getTime()).toBeGreaterThanOrEqual(before + 7 * 60_000);
  });

  it('brings comments and replies into the inbox across pages, marks the account’s own replies, and keeps a cursor', async () => {
    await drive(request('inbox-post', 'Tell us'));
    const comments = ['first', 'second', 'third', 'fourth', 'fifth'].map((text) => fake.comment(text));
    fake.comment('Thanks!', fake.username, undefined, comments[0].id);
    const items = await connector().fetchInbox(undefined);
    expect(items.filter((item) => item.kind === 'comment').map((item) => item.text)).toEqual([
      'first',
      'second',
      'third',
      'fourth',
      'fifth',
    ]);
    expect(items.find((item) => item.text === 'Thanks!')).toMatchObject({
      kind: 'reply',
      byOwner: true,
      inReplyToRemoteId: comments[0].id,
    });
    const newest = new Date(Math.max(...items.map((item) => item.receivedAt.getTime())));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    fake.comment('sixth');
    const later = await connector().fetchInbox(newest);
    expect(later.map((item) => item.text)).toEqual(['sixth']);
  });

  it('replies to a comment once, and finds a reply whose answer was lost', async () => {
    await drive(request('reply-post', 'Ask away'));
    const question = fake.comment('When do you open?');
    const item = { remoteId: question.id, kind: 'comment' as const, author: 'reader.one' };
    fake.loseAnswerNext((method, path) => method === 'POST' && path.endsWith('/replies'));
    await expect(connector().reply(item, { idempotencyKey: 'reply-1', text: 'At nine.' })).rejects.toThrow();
    const found = await connector().lookup('reply-1');
    expect(found).toMatchObject({ remoteId: expect.any(String) });
    const again = await connector().reply(item, { idempotencyKey: 'reply-1', text: 'At nine.' });
    expect(again).toMatchObject({ remoteId: (found as PublishResult).remoteId });
    expect(fake.comments.filter((comment) => comment.text === 'At nine.')).toHaveLength(1);
  });

  it('reads followers and per-post insights for metrics', async () => {
    const result = await drive(request('metrics-post', 'Count me'));
    const question = fake.comment('Nice');
    await connector().reply(
      { remoteId: question.id, kind: 'comment', author: 'reader.one' },
      { idempotencyKey: 'metrics-reply', text: 'Thanks' },
    );
    const day = new Date().toISOString().slice(0, 10);
    const metrics = await connector().fetchMetrics(day);
    expect(metrics.followers).toBe(1234);
    expect(metrics.posts).toEqual([
      expect.objectContaining({
        remoteId: result.remoteId,
        impressions: expect.any(Number),
        engagements: expect.objectContaining({ likes: expect.any(Number) }),
      }),
    ]);
  });

  it('renews a token about to expire once mid-burst (ig_refresh_token) and publishes every post', async () => {
    let skewMs = 0;
    credentials = fakeCredentials(fake, options(fake), token, () => new Date(Date.now() + skewMs));
    await drive(request('burst-0', 'burst 0'));
    skewMs = 60 * 86_400_000 - 30_000; // 30 s before the 60 days run out
    for (let i = 1; i < 4; i++) {
      await drive(request(`burst-${i}`, `burst ${i}`));
    }
    expect(fake.counters.tokenRequests).toBe(1);
    expect(credentials.refreshes).toBe(1);
    expect(fake.counters.publishes).toBe(4);
    expect(credentials.tokens.accessToken).not.toBe(token);
  });

  it('a token Instagram already says is expired cannot be renewed (documented): the channel needs reconnecting', async () => {
    fake.expireToken(token);
    await expect(drive(request('expired', 'too late'))).rejects.toBeInstanceOf(AuthenticationError);
    expect(fake.counters.tokenRequests).toBe(1);
  });

  it('asks for a reconnect when the token is revoked (the refresh is refused too)', async () => {
    fake.revokeToken(token);
    await expect(drive(request('revoked', 'nope'))).rejects.toBeInstanceOf(AuthenticationError);
    expect(fake.counters.containersCreated).toBe(0);
  });

  it('publishing the same key again never creates a second container nor a second post', async () => {
    const one = await drive(request('dup-1', 'Once'));
    const two = await drive(request('dup-1', 'Once'));
    expect(two.remoteId).toBe(one.remoteId);
    expect(fake.counters).toMatchObject({ containersCreated: 1, publishes: 1 });
  });

  it('a crash after media_publish was sent: a new worker finds the post, never publishes the container again', async () => {
    const first = connector();
    await first.publish(request('crash-1', 'After the crash'));
    fake.loseAnswerNext(isPublish);
    await expect(first.status('crash-1')).rejects.toThrow();
    const restarted = connector();
    const found = await restarted.lookup('crash-1');
    expect(found).toMatchObject({ status: 'accepted', handle: 'crash-1' });
    const status = await restarted.status('crash-1');
    expect(status).toMatchObject({ status: 'published', result: { remoteId: fake.media[0].id } });
    expect(fake.counters).toMatchObject({ publishes: 1, containersCreated: 1 });
  });

  it('exactly once: 12 posts under faults (lost answers, timeouts, 429, 500), 0 duplicates and 0 lost on the fake', async () => {
    const throttled = {
      status: 400,
      code: 4,
      message: 'Application request limit reached',
      headers: { 'retry-after': '1' },
    };
    const faults: Array<(() => void) | undefined> = [
      () => fake.loseAnswerNext(isCreate),
      () => fake.loseAnswerNext(isPublish),
      () => fake.hangNext(isPublish),
      () => fake.hangNext(isCreate),
      () => fake.failNext(isCreate, throttled),
      () => fake.failNext(isPublish, throttled),
      () => fake.failNext(isPublish, { status: 500, code: 1, message: 'An unknown error occurred' }),
      () => fake.failNext(isCreate, { status: 500, code: 1, message: 'An unknown error occurred' }),
      () =>
        fake.failNext((method, path) => method === 'GET' && path.endsWith('/content_publishing_limit'), {
          status: 503,
          code: 2,
          message: 'Service temporarily unavailable',
        }),
      () => fake.loseAnswerNext(isPublish),
      undefined,
      undefined,
    ];
    const results: PublishResult[] = [];
    for (const [index, inject] of faults.entries()) {
      inject?.();
      const files = index % 3 === 0 ? [JPEG('photo1.jpg'), JPEG('photo2.jpg')] : [JPEG()];
      results.push(
        await drive(
          request(`once-${index}`, `exactly once ${index}`, files),
          () => connector(),
          index % 2 === 0,
        ),
      );
    }
    for (const [index, result] of results.entries()) {
      const onFake = fake.mediaWithCaption(`exactly once ${index}`);
      expect(onFake.map((item) => item.id)).toEqual([result.remoteId]);
    }
    expect(fake.media).toHaveLength(12);
    expect(fake.counters.publishes).toBe(12);
  });

  it('completes Business Login: code exchange, long-lived token, the account id', async () => {
    const pluginOptions = options(fake);
    const exchange = await fetch(instagramOAuth.tokenUrl(pluginOptions), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
        grant_type: 'authorization_code',
        redirect_uri: 'https://metronome.example/oauth/callback',
        code: fake.issueCode(),
      }).toString(),
    });
    const tools = {
      options: pluginOptions,
      http: createFetchHttpClient('instagram'),
      clock: { now: () => new Date() },
    };
    const tokens = await instagramOAuth.complete!((await exchange.json()) as OAuthTokenResponse, tools);
    expect(tokens).toMatchObject({
      account: { userId: fake.userId, username: fake.username },
      scopes: expect.arrayContaining(['instagram_business_content_publish']),
    });
    expect(tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    expect(instagramOAuth.authorizationUrl(pluginOptions)).toBe(`${fake.url}/oauth/authorize`);
  });
});
