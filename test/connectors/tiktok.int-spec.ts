import tiktok from '../../plugins/tiktok';
import { tiktokOAuth } from '../../plugins/tiktok/tiktok-oauth';
import type { TikTokOptions } from '../../plugins/tiktok/tiktok-options.schema';
import { consentUrl } from '../../src/oauth/consent-url';
import { exchangeCode } from '../../src/oauth/token-endpoint.client';
import {
  AuthenticationError,
  isPublishAccepted,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type Connector,
  type PluginContext,
  type PublishOutcome,
  type PublishResult,
} from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryStateStore,
  createTestPluginContext,
  type MemoryCredentials,
  type TestPluginContext,
} from '../../src/plugin-sdk/testing';
import { TikTokApiFake } from '../fakes/tiktok-api.fake';
import { connectedCredentials, optionsFor, requestOf, videoFolder } from './tiktok-fixtures';

const MB = 1024 * 1024;

describe('tiktok connector against the TikTok contract fake', () => {
  let fake: TikTokApiFake;
  let folder: ReturnType<typeof videoFolder>;
  let credentials: MemoryCredentials;
  let context: TestPluginContext;
  let state = createMemoryStateStore();

  beforeAll(async () => {
    folder = videoFolder();
  });

  afterAll(() => folder.remove());

  beforeEach(async () => {
    fake = await new TikTokApiFake().start();
    state = createMemoryStateStore();
    credentials = connectedCredentials(fake, await optionsFor(fake));
    context = createTestPluginContext({ plugin: 'tiktok', scope: 'acme/tiktok', state, credentials });
  });

  afterEach(async () => {
    await fake.stop();
  });

  /** A new instance on the same state: a restarted worker. */
  async function connector(
    extra: Record<string, unknown> = {},
    ctx: PluginContext = context,
  ): Promise<Connector> {
    return tiktok.create(ctx, await optionsFor(fake, fake.baseUrl, extra));
  }

  async function settle(instance: Connector, outcome: PublishOutcome): Promise<PublishResult> {
    const current = outcome;
    for (let poll = 0; poll < 10 && isPublishAccepted(current); poll++) {
      const status = await instance.status!(current.handle);
      if (status.status === 'published') {
        return status.result;
      }
      if (status.status === 'failed') {
        throw new Error(status.reason);
      }
    }
    if (isPublishAccepted(current)) {
      throw new Error('never published');
    }
    return current;
  }

  it('posts SELF_ONLY by default from an unaudited app, and says so', async () => {
    const instance = await connector();
    const outcome = await instance.publish!(
      requestOf('k1', 'Winter blend ☕ #coffee', [folder.video('a.mp4')]),
    );
    expect(isPublishAccepted(outcome)).toBe(true);
    const result = await settle(instance, outcome);
    const [publish] = [...fake.publishes.values()];
    expect(publish.postInfo).toEqual({
      title: 'Winter blend ☕ #coffee',
      privacy_level: 'SELF_ONLY',
      disable_comment: false,
      disable_duet: false,
      disable_stitch: false,
    });
    // A private post has no public id: the publish_id names it.
    expect(result.remoteId).toBe(publish.publishId);
    expect(fake.posts()).toHaveLength(1);
    expect(context.logs.map((line) => line.message).join('\n')).toContain('goes out SELF_ONLY');
    expect(fake.contractViolations).toEqual([]);
    // Published: publish and lookup answer the post, nothing is sent again.
    expect(
      await instance.publish!(requestOf('k1', 'Winter blend ☕ #coffee', [folder.video('a.mp4')])),
    ).toEqual(result);
    expect(await instance.lookup!('k1')).toEqual(result);
    expect(fake.counters.inits).toBe(1);
  });

  it('uploads a large video in sequential chunks and reads the 64-bit public id exactly (audited app, public account)', async () => {
    fake.audited = true;
    fake.accountPrivate = false;
    const instance = await connector({ audited: true, privacy: 'PUBLIC_TO_EVERYONE', chunkBytes: 5 * MB });
    const video = folder.video('big.mp4', 30, 11 * MB + 123);
    const result = await settle(
      instance,
      await instance.publish!(
        requestOf('k2', 'Roastery tour', [video], { disableDuet: true, coverTimestampMs: 1500 }),
      ),
    );
    const [publish] = [...fake.publishes.values()];
    expect(publish).toMatchObject({ totalChunks: 2, chunkSize: 5 * MB, videoSize: 11 * MB + 123, chunks: 2 });
    expect(publish.postInfo).toMatchObject({
      privacy_level: 'PUBLIC_TO_EVERYONE',
      disable_duet: true,
      video_cover_timestamp_ms: 1500,
    });
    expect(result.remoteId).toBe(fake.videos[0].id);
    expect(result.remoteId).toMatch(/^\d{19}$/);
    expect(result.url).toBe(`https://www.tiktok.com/@acme.coffee/video/${fake.videos[0].id}`);
    expect(fake.contractViolations).toEqual([]);
  });

  it('refuses a public post from an unaudited app before sending, and maps TikTok’s own refusal the same way', async () => {
    const instance = await connector();
    const error = await instance.publish!(
      requestOf('k3', 'Hello', [folder.video('b.mp4')], { privacy: 'PUBLIC_TO_EVERYONE' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain(
      'TikTok restricts unaudited apps to private posts: set extra.privacy: SELF_ONLY or get the app audited (https://developers.tiktok.com/',
    );
    expect(fake.counters.inits).toBe(0);

    // The option says audited, TikTok says otherwise (a 403 with the code): a refusal, not a reconnect.
    fake.accountPrivate = false;
    const audited = await connector({ audited: true, privacy: 'PUBLIC_TO_EVERYONE' });
    const refused = await audited.publish!(requestOf('k4', 'Hello', [folder.video('b.mp4')])).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PermanentError);
    expect((refused as Error).message).toContain('TikTok restricts unaudited apps to private posts');
    expect((refused as Error).message).toContain('unaudited_client_can_only_post_to_private_accounts');
    expect(await audited.lookup!('k4')).toBeUndefined();
  });

  it('refuses what the creator cannot do (creator_info): privacy, comments, duration; and a caption over 2,200 UTF-16 units', async () => {
    fake.audited = true;
    const instance = await connector({ audited: true });
    const video = folder.video('c.mp4', 20);
    const refusal = (extra: Record<string, unknown>, text = 'Hi', media = [video]) =>
      instance.publish!(requestOf(`r-${JSON.stringify(extra)}-${text.length}`, text, media, extra)).then(
        () => undefined,
        (e: unknown) => (e instanceof PermanentError ? e.message : `not permanent: ${String(e)}`),
      );
    expect(await refusal({})).toContain('TikTok requires the privacy level to be chosen');
    expect(await refusal({ privacy: 'PUBLIC_TO_EVERYONE' })).toContain('not PUBLIC_TO_EVERYONE');
    fake.creator.comment_disabled = true;
    expect(await refusal({ privacy: 'SELF_ONLY', disableComment: false })).toContain('turned comments off');
    fake.maxVideoSeconds = 15;
    expect(await refusal({ privacy: 'SELF_ONLY' })).toContain('this creator may post at most 15 s');
    // 1,100 emoji: 1,100 graphemes (within the declared limit), 2,200+ UTF-16 units.
    expect(await refusal({ privacy: 'SELF_ONLY' }, `${'🎉'.repeat(1_101)}`)).toContain('UTF-16 units');
    expect(await refusal({ privacy: 'SELF_ONLY' }, 'Hi', [])).toContain('exactly one video');
    expect(await refusal({ privacy: 'LOUD' })).toContain('extra.privacy must be one of');
    expect(fake.counters.inits).toBe(0);
    // What the creator has turned off is sent as disabled.
    fake.maxVideoSeconds = 600;
    await instance.publish!(requestOf('ok', 'Fine', [video], { privacy: 'SELF_ONLY' }));
    expect([...fake.publishes.values()][0].postInfo).toMatchObject({ disable_comment: true });
  });

  it('sends at most 6 inits a minute (the 7th waits, unsent) and maps TikTok’s rate_limit_exceeded', async () => {
    let now = new Date('2026-12-07T10:00:00Z');
    const timed = createTestPluginContext({
      plugin: 'tiktok',
      scope: 'acme/tiktok',
      state,
      credentials,
      clock: () => now,
    });
    const instance = await connector({}, timed);
    for (let i = 0; i < 6; i++) {
      await instance.publish!(requestOf(`q${i}`, `Post ${i}`, [folder.video('q.mp4')]));
      now = new Date(now.getTime() + 1_000);
    }
    const error = await instance.publish!(requestOf('q6', 'Post 6', [folder.video('q.mp4')])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt!.getTime()).toBe(new Date('2026-12-07T10:01:00Z').getTime());
    expect(fake.counters.inits).toBe(6);

    fake.failNext('init', 429, 'rate_limit_exceeded');
    now = new Date('2026-12-07T10:05:00Z');
    const limited = await instance.publish!(requestOf('q7', 'Post 7', [folder.video('q.mp4')])).catch(
      (e: unknown) => e,
    );
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAt!.getTime()).toBeGreaterThanOrEqual(now.getTime() + 60_000);
  });

  it('resumes an upload cut between chunks on the same upload_url (no second init), from TikTok’s byte count', async () => {
    const options = { chunkBytes: 5 * MB };
    const video = folder.video('r.mp4', 40, 16 * MB);
    fake.failNext('upload', 500, 'internal_error'); // the first chunk fails
    const first = await connector(options);
    await expect(first.publish!(requestOf('u1', 'Resumed', [video]))).rejects.toBeInstanceOf(TransientError);
    // Then the first chunk passes and the second arrives, but its answer is lost (a crash after sending it).
    fake.loseNextAnswer('upload', 1);
    const second = await connector(options);
    await expect(second.publish!(requestOf('u1', 'Resumed', [video]))).rejects.toBeInstanceOf(TransientError);
    const third = await connector(options);
    expect(await third.lookup!('u1')).toBeUndefined();
    const result = await settle(third, await third.publish!(requestOf('u1', 'Resumed', [video])));
    expect(fake.counters.inits).toBe(1);
    // 1 failed, 2 in the second try, then only the third: TikTok's uploaded_bytes said the second had arrived.
    expect(fake.counters.chunkPuts).toBe(4);
    expect(fake.postsWithText('Resumed')).toBe(1);
    expect(result.remoteId).toBe([...fake.publishes.values()][0].publishId);
  });

  it('finds the post after the last chunk’s answer was lost (outcome unknown), on a new instance', async () => {
    fake.loseNextAnswer('last-chunk');
    const first = await connector();
    await expect(
      first.publish!(requestOf('l1', 'Lost answer', [folder.video('l.mp4')])),
    ).rejects.toBeInstanceOf(OutcomeUnknownError);
    const restarted = await connector();
    const found = await restarted.lookup!('l1');
    expect(found && isPublishAccepted(found)).toBe(true);
    await settle(restarted, found!);
    expect(fake.counters.inits).toBe(1);
    expect(fake.postsWithText('Lost answer')).toBe(1);
  });

  it('a FILE_UPLOAD init whose answer was lost is sent again: TikTok never publishes an upload without bytes', async () => {
    fake.loseNextAnswer('init');
    const first = await connector();
    const error = await first.publish!(requestOf('i1', 'Init lost', [folder.video('i.mp4')])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransientError);
    const restarted = await connector();
    expect(await restarted.lookup!('i1')).toBeUndefined();
    await settle(restarted, await restarted.publish!(requestOf('i1', 'Init lost', [folder.video('i.mp4')])));
    expect(fake.counters.inits).toBe(2);
    expect(fake.postsWithText('Init lost')).toBe(1);
  });

  it('PULL_FROM_URL: TikTok fetches the signed URL; a lost init answer is never resent but failed for a person', async () => {
    const pulled: string[] = [];
    const withMedia = {
      ...context,
      media: {
        publicUrl: (file: { path: string }, options?: { expiresInMs?: number }) => {
          pulled.push(`${file.path}@${options?.expiresInMs}`);
          return `https://media.acme.example/m/token${file.path.slice(-6)}`;
        },
      },
    };
    const instance = await connector({ source: 'PULL_FROM_URL' }, withMedia);
    const result = await settle(
      instance,
      await instance.publish!(requestOf('p1', 'Pulled', [folder.video('p.mp4')])),
    );
    expect([...fake.publishes.values()][0]).toMatchObject({
      source: 'PULL_FROM_URL',
      videoUrl: 'https://media.acme.example/m/token/p.mp4',
    });
    expect(pulled[0]).toContain('@21600000');
    expect(result.remoteId).toMatch(/^v_pub_url~/);

    fake.loseNextAnswer('init');
    const error = await instance.publish!(requestOf('p2', 'Pulled twice?', [folder.video('p.mp4')])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    const restarted = await connector({ source: 'PULL_FROM_URL' }, withMedia);
    const found = await restarted.lookup!('p2');
    expect(found && isPublishAccepted(found) && found.handle).toBe('unconfirmed:p2');
    const status = await restarted.status!('unconfirmed:p2');
    expect(status).toMatchObject({ status: 'failed' });
    expect(status.status === 'failed' && status.reason).toContain('Check the TikTok profile');
    expect(fake.postsWithText('Pulled twice?')).toBe(1);
  });

  it('an expired token is renewed through the plugin’s own refresh (client_key); a revoked grant needs a reconnect', async () => {
    const instance = await connector();
    fake.expireAccessTokens();
    const error = await instance.publish!(requestOf('t1', 'Token', [folder.video('t.mp4')])).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('metronome channels connect acme/tiktok');
    expect(await instance.refreshCredentials!()).toBe(true);
    expect(credentials.tokens.refreshExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 364 * 86_400_000);
    await settle(instance, await instance.publish!(requestOf('t1', 'Token', [folder.video('t.mp4')])));
    expect(fake.counters.refreshes).toBe(1);

    fake.expireAccessTokens();
    fake.revokeRefreshTokens();
    await expect(instance.refreshCredentials!()).rejects.toThrow(
      /refused to renew the token \(invalid_grant/,
    );
  });

  it('reports followers and the views, likes, comments and shares of its public videos', async () => {
    fake.audited = true;
    fake.accountPrivate = false;
    const instance = await connector({ audited: true, privacy: 'PUBLIC_TO_EVERYONE' });
    for (const key of ['m1', 'm2']) {
      await settle(
        instance,
        await instance.publish!(requestOf(key, `Metric ${key}`, [folder.video('m.mp4')])),
      );
    }
    const metrics = await instance.fetchMetrics!('2026-12-07');
    expect(metrics).toEqual({
      followers: 1200,
      impressions: 100 + 101,
      engagements: { likes: 20, comments: 4, shares: 2 },
      posts: fake.videos.map((video, index) => ({
        remoteId: video.id,
        impressions: 100 + index,
        engagements: { likes: 10, comments: 2, shares: 1 },
      })),
    });
    expect(tiktok.capabilities.metricNames).toEqual({
      followers: 'Followers',
      impressions: 'Views',
      engagements: { likes: 'Likes', comments: 'Comments', shares: 'Shares' },
    });
  });

  it('OAuth: the consent page gets client_key and comma-separated scopes; the token answer becomes the channel’s tokens', async () => {
    const options: TikTokOptions = await optionsFor(fake);
    const url = new URL(
      consentUrl(tiktokOAuth, options, {
        redirectUri: 'https://metronome.example/oauth/callback',
        state: 's1',
      }),
    );
    expect(url.searchParams.get('client_key')).toBe(fake.clientKey);
    expect(url.searchParams.get('client_id')).toBeNull();
    expect(url.searchParams.get('scope')).toBe('user.info.basic,user.info.stats,video.publish,video.list');
    expect(url.searchParams.get('code_challenge')).toBeNull();

    // The host's own code exchange (SDK 2.2 clientIdParameter: client_key in the form), then the plugin's complete.
    const response = await exchangeCode(
      tiktokOAuth,
      { options, http: createFetchHttpClient('tiktok'), clock: { now: () => new Date() } },
      { code: fake.issueCode(), redirectUri: 'https://metronome.example/oauth/callback' },
    );
    const now = new Date();
    const tokens = await tiktokOAuth.complete!(response, {
      options,
      http: createFetchHttpClient('tiktok'),
      clock: { now: () => now },
    });
    expect(tokens).toMatchObject({
      account: { openId: fake.openId, username: fake.username },
      scopes: ['user.info.basic', 'user.info.stats', 'video.publish', 'video.list'],
      expiresAt: new Date(now.getTime() + 86_400_000),
      refreshExpiresAt: new Date(now.getTime() + 31_536_000_000),
    });
    // TikTok refuses a form that names the client client_id (what a host without clientIdParameter would send).
    const hostStyle = await fetch(`${fake.baseUrl}/v2/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: fake.clientKey,
        client_secret: fake.clientSecret,
        code: fake.issueCode(),
        grant_type: 'authorization_code',
        redirect_uri: 'x',
      }).toString(),
    });
    expect(((await hostStyle.json()) as { error: string }).error).toBe('invalid_client');
  });
});
