import youtube from '../../plugins/youtube';
import type { YouTubeOptions } from '../../plugins/youtube/youtube-options.schema';
import { nextPacificMidnight } from '../../plugins/youtube/youtube-quota';
import { markerTagOf } from '../../plugins/youtube/youtube-video';
import type { YouTubeConnector } from '../../plugins/youtube/youtube.connector';
import {
  AuthenticationError,
  isPublishAccepted,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  TransientError,
  type PluginStateStore,
  type PublishOutcome,
} from '../../src/plugin-sdk';
import {
  createMemoryStateStore,
  createTestPluginContext,
  type MemoryCredentials,
  type TestPluginContext,
} from '../../src/plugin-sdk/testing';
import { checkRequest, schemaProblems, YouTubeApiFake } from '../fakes/youtube-api.fake';
import { connectedCredentials, mediaFolder, optionsFor, request, TEST_CHUNK } from './youtube-fixtures';

/**
 * The youtube connector against its contract fake: resumable uploads interrupted between chunks and resumed (never
 * a second session while the first lives), expired sessions found by the marker tag, processing in two steps,
 * thumbnails, scheduled publishing, the daily quota, comments and replies exactly once, statistics, OAuth renewal.
 */
describe('youtube connector (contract fake)', () => {
  let fake: YouTubeApiFake;
  let folder: ReturnType<typeof mediaFolder>;
  let state: PluginStateStore;
  let credentials: MemoryCredentials;
  let context: TestPluginContext;
  let now: Date | undefined;

  beforeEach(async () => {
    fake = await new YouTubeApiFake().start();
    folder = mediaFolder();
    state = createMemoryStateStore();
    credentials = connectedCredentials(fake, optionsFor(fake));
    now = undefined;
  });

  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    await fake.stop();
    folder.dispose();
  });

  /** A new instance on the same state: what another worker (or the same after a crash) gets. */
  function connector(extra: Partial<YouTubeOptions> = {}): YouTubeConnector {
    context = createTestPluginContext({
      plugin: 'youtube',
      state,
      credentials,
      clock: () => now ?? new Date(),
      maxRequestTimeoutMs: 500,
    });
    return youtube.create(context, optionsFor(fake, fake.baseUrl, extra)) as YouTubeConnector;
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a failure');
  }

  const handleOf = (outcome: PublishOutcome | undefined): string => {
    if (!outcome || !isPublishAccepted(outcome)) {
      throw new Error(`expected an accepted video, got ${JSON.stringify(outcome)}`);
    }
    return outcome.handle;
  };

  it('uploads in 256 KiB chunks; a crash after the second chunk resumes at the offset the session reports', async () => {
    const size = 3 * TEST_CHUNK + 500;
    const post = request('resume', folder.video('resume.mp4', size));
    fake.fail('chunk', { kind: 'lose-answer' }, 1);
    expect(await failure(connector().publish(post))).toBeInstanceOf(TransientError);
    const record = await state.get<{ sessionUri: string; size: number }>('upload:resume');
    expect(record).toMatchObject({ size });

    const handle = handleOf(await connector().publish(post));
    expect(fake.counts).toMatchObject({ sessions: 1, chunks: 4, statusQueries: 1 });
    expect(fake.liveVideos()).toHaveLength(1);
    expect(fake.liveVideos()[0]).toMatchObject({ id: handle, bytes: size });
    expect(fake.liveVideos()[0].snippet.tags).toContain(markerTagOf('resume'));
    // A repeat answers the same video without touching the upload again.
    expect(handleOf(await connector().publish(post))).toBe(handle);
    expect(fake.counts.sessions).toBe(1);
  });

  it('a hang after the last chunk is an unknown outcome; lookup finds the video through the session', async () => {
    const post = request('hang', folder.video('hang.mp4', 2 * TEST_CHUNK + 10));
    fake.fail('chunk', { kind: 'hang-after' }, 2);
    expect(await failure(connector().publish(post))).toBeInstanceOf(OutcomeUnknownError);
    const found = handleOf(await connector().lookup('hang'));
    expect(fake.liveVideos().map((video) => video.id)).toEqual([found]);
    expect(handleOf(await connector().publish(post))).toBe(found);
    expect(fake.counts.sessions).toBe(1);
  });

  it('an expired session: a finished video is found by its marker tag; an unfinished upload starts once more', async () => {
    const done = request('expired-done', folder.video('a.mp4', TEST_CHUNK + 10));
    fake.fail('chunk', { kind: 'lose-answer' }, 1);
    expect(await failure(connector().publish(done))).toBeInstanceOf(OutcomeUnknownError);
    fake.expireSessions();
    const found = handleOf(await connector().lookup('expired-done'));
    expect(fake.liveVideos().map((video) => video.id)).toEqual([found]);

    const unfinished = request('expired-half', folder.video('b.mp4', 2 * TEST_CHUNK + 10));
    fake.fail('chunk', { kind: 'lose-answer' });
    expect(await failure(connector().publish(unfinished))).toBeInstanceOf(TransientError);
    fake.expireSessions();
    expect(await connector().lookup('expired-half')).toBeUndefined();
    handleOf(await connector().publish(unfinished));
    expect(fake.counts.sessions).toBe(3);
    expect(fake.videosWithTitle('Video expired-half')).toHaveLength(1);
    expect(fake.liveVideos()).toHaveLength(2);
  });

  it('follows processing: finishing, then published with the watch URL; a failed or rejected video fails the post', async () => {
    fake.processingPolls = 2;
    const one = connector();
    const handle = handleOf(await one.publish(request('processing', folder.video('p.mp4', 1000))));
    expect(await one.status(handle)).toMatchObject({ status: 'finishing' });
    expect(await one.status(handle)).toEqual({
      status: 'published',
      result: expect.objectContaining({ remoteId: handle, url: `https://www.youtube.com/watch?v=${handle}` }),
    });

    fake.processingPolls = 1;
    fake.failNextProcessing('codec');
    const failed = handleOf(await one.publish(request('codec', folder.video('c.mp4', 1000))));
    expect(await one.status(failed)).toEqual({ status: 'failed', reason: expect.stringContaining('codec') });
    fake.failNextProcessing('duplicate', 'rejected');
    const rejected = handleOf(await one.publish(request('dup', folder.video('d.mp4', 1000))));
    expect(await one.status(rejected)).toEqual({
      status: 'failed',
      reason: expect.stringContaining('duplicate'),
    });
    await one.delete(rejected);
    expect(await one.status(rejected)).toMatchObject({ status: 'failed' });
  });

  it('sets the thumbnail from the image attachment; a channel that may not set one keeps YouTube’s, with a warning', async () => {
    const one = connector();
    const handle = handleOf(
      await one.publish(
        request('thumb', folder.video('t.mp4', 1000), {
          media: [folder.video('t.mp4', 1000), folder.thumbnail('t.png')],
        }),
      ),
    );
    expect(fake.liveVideos().find((video) => video.id === handle)?.thumbnail).toMatchObject({
      contentType: 'image/png',
    });

    fake.thumbnailsForbidden = true;
    const plain = handleOf(
      await one.publish(request('thumb-2', folder.video('u.mp4', 1000), { extra: { thumbnail: 't.png' } })),
    );
    expect(fake.liveVideos().find((video) => video.id === plain)?.thumbnail).toBeUndefined();
    expect(context.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      expect.stringContaining("keeps YouTube's own thumbnail"),
    ]);
  });

  it('schedules with privacy private and publishAt; tags, category, made-for-kids and "<>" as YouTube takes them', async () => {
    const at = new Date(Date.now() + 86_400_000).toISOString();
    await connector().publish(
      request('scheduled', folder.video('s.mp4', 1000), {
        text: 'Cups <3 & beans > tea',
        extra: { publishAt: at, tags: ['coffee', 'slow roast'], categoryId: 26, madeForKids: true },
      }),
    );
    const [video] = fake.liveVideos();
    expect(video.status).toMatchObject({
      privacyStatus: 'private',
      publishAt: at,
      selfDeclaredMadeForKids: true,
    });
    expect(video.snippet).toMatchObject({
      description: 'Cups ＜3 & beans ＞ tea',
      tags: ['coffee', 'slow roast', markerTagOf('scheduled')],
      categoryId: '26',
    });
    const refused = await failure(
      connector().publish(
        request('unlisted', folder.video('s2.mp4', 1000), { extra: { publishAt: at, privacy: 'unlisted' } }),
      ),
    );
    expect(refused).toBeInstanceOf(PermanentError);
    expect(refused.message).toContain('private');
    const noVideo = await failure(connector().publish({ ...request('none', folder.thumbnail('x.png')) }));
    expect(noVideo).toBeInstanceOf(PermanentError);
  });

  it('counts the quota per Pacific day: a warning at 80 %, a call over the budget refused before it is sent', async () => {
    now = new Date('2026-12-07T07:30:00Z'); // 23:30 PST on the 6th
    const videos = [fake.seedVideo('one'), fake.seedVideo('two'), fake.seedVideo('three')];
    const one = connector({ dailyQuotaUnits: 100 });
    await one.delete(videos[0].id);
    expect(context.logs.filter((line) => line.level === 'warn')).toEqual([]);
    await one.delete(videos[1].id);
    expect(context.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      expect.stringContaining('80 %'),
    ]);
    const refused = await failure(one.delete(videos[2].id));
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAt).toEqual(new Date('2026-12-07T08:00:00Z'));
    expect(fake.units['youtube.videos.delete']).toBe(100);
    expect(await one.quotaStatus()).toMatchObject({ units: 100, remainingUnits: 0, day: '2026-12-06' });

    now = new Date('2026-12-07T08:00:00Z'); // midnight PST: a new day
    await one.delete(videos[2].id);
    expect(await one.quotaStatus()).toMatchObject({ units: 50, day: '2026-12-07' });
  });

  it('refuses an upload over uploadsPerDay before opening a session; 403 quotaExceeded waits for Pacific midnight', async () => {
    now = new Date('2026-07-01T12:00:00Z'); // PDT
    const one = connector({ uploadsPerDay: 1 });
    await one.publish(request('first', folder.video('q1.mp4', 1000)));
    const second = await failure(one.publish(request('second', folder.video('q2.mp4', 1000))));
    expect(second).toBeInstanceOf(RateLimitedError);
    expect((second as RateLimitedError).retryAt).toEqual(new Date('2026-07-02T07:00:00Z'));
    expect(fake.counts.sessions).toBe(1);

    fake.fail('list', {
      kind: 'answer',
      status: 403,
      reason: 'quotaExceeded',
      message: 'The request cannot be completed because you have exceeded your quota.',
    });
    const exhausted = await failure(one.getProfile());
    expect(exhausted).toBeInstanceOf(RateLimitedError);
    expect((exhausted as RateLimitedError).retryAt).toEqual(nextPacificMidnight(now));
    const requests = fake.units['youtube.channels.list'];
    expect(await failure(one.getProfile())).toBeInstanceOf(RateLimitedError);
    expect(fake.units['youtube.channels.list']).toBe(requests);
  });

  it('reads comments and replies as the inbox, and answers one exactly once through a lost answer', async () => {
    const video = fake.seedVideo('Winter blend');
    const top = fake.addComment(
      video.id,
      'Where can I buy it?',
      'Ana',
      undefined,
      new Date('2026-12-01T10:00:00Z'),
    );
    const reply = fake.addComment(video.id, 'Me too!', 'Ben', top.id, new Date('2026-12-01T11:00:00Z'));
    const one = connector();
    const items = await one.fetchInbox(undefined);
    expect(items).toEqual([
      expect.objectContaining({
        remoteId: top.id,
        kind: 'comment',
        author: 'Ana',
        inReplyToRemoteId: video.id,
      }),
      expect.objectContaining({
        remoteId: reply.id,
        kind: 'reply',
        author: 'Ben',
        inReplyToRemoteId: top.id,
      }),
    ]);
    expect(await one.fetchInbox(new Date('2026-12-01T10:30:00Z'))).toEqual([
      expect.objectContaining({ remoteId: reply.id }),
    ]);

    fake.fail('comment', { kind: 'lose-answer' });
    const answer = { idempotencyKey: 'reply-1', text: 'In our shop, Ben!' };
    const item = { remoteId: reply.id, kind: 'reply' as const, author: 'Ben', inReplyToRemoteId: top.id };
    expect(await failure(one.reply(item, answer))).toBeInstanceOf(OutcomeUnknownError);
    const found = await connector().lookup('reply-1');
    const again = await connector().reply(item, answer);
    expect(again.remoteId).toBe((found as { remoteId: string }).remoteId);
    const ours = fake.comments.filter((comment) => comment.text === 'In our shop, Ben!');
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ parentId: top.id, authorChannelId: fake.channelId });
    const after = await one.fetchInbox(new Date('2026-12-01T11:30:00Z'));
    expect(after).toEqual([expect.objectContaining({ remoteId: ours[0].id, byOwner: true })]);
  });

  it('answers subscribers, the channel’s views and each published video’s views, likes and comments', async () => {
    const one = connector();
    const handle = handleOf(await one.publish(request('metrics', folder.video('m.mp4', 1000))));
    Object.assign(fake.liveVideos()[0].statistics, { viewCount: 40, likeCount: 7, commentCount: 3 });
    expect(await one.fetchMetrics('2026-12-07')).toEqual({
      followers: 1234,
      impressions: 40,
      engagements: { likes: 7, comments: 3 },
      posts: [{ remoteId: handle, impressions: 40, engagements: { likes: 7, comments: 3 } }],
    });
    expect(await one.getProfile()).toEqual({
      displayName: 'Acme Coffee',
      bio: 'Coffee, roasted slowly.',
      links: ['https://www.youtube.com/@acmecoffee'],
    });
  });

  it('an expired token: refreshCredentials renews it at Google’s token endpoint; a revoked grant needs a reconnect', async () => {
    const one = connector();
    fake.expireAccessTokens();
    const post = request('token', folder.video('k.mp4', 1000));
    expect(await failure(one.publish(post))).toBeInstanceOf(AuthenticationError);
    expect(await one.refreshCredentials!()).toBe(true);
    handleOf(await one.publish(post));
    expect(fake.counts.tokenRefreshes).toBe(1);
    expect(credentials.tokens.refreshToken).toBeDefined();

    fake.revokeAll();
    expect(await failure(one.getProfile())).toBeInstanceOf(AuthenticationError);
    const refused = await failure(one.refreshCredentials!());
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect(refused.message).toContain('reconnect');
    expect(fake.liveVideos()).toHaveLength(1);
  });
});

describe('the youtube fake’s discovery checker (it must be able to refuse)', () => {
  const query = (text: string) => new URLSearchParams(text);

  it('knows the methods the connector uses and refuses unknown ones', () => {
    expect(
      checkRequest('GET', '/youtube/v3/videos', query('part=status&id=abc'), undefined).problems,
    ).toEqual([]);
    expect(checkRequest('GET', '/youtube/v3/search', query('part=snippet'), undefined).problems).toEqual([
      expect.stringContaining('no such method'),
    ]);
  });

  it('refuses unknown or missing parameters, bad enums and ranges', () => {
    expect(checkRequest('GET', '/youtube/v3/videos', query('id=abc&foo=1'), undefined).problems).toEqual([
      expect.stringContaining('unknown parameter "foo"'),
      expect.stringContaining('required parameter "part"'),
    ]);
    expect(
      checkRequest(
        'GET',
        '/youtube/v3/commentThreads',
        query('part=snippet&order=newest&maxResults=500'),
        undefined,
      ).problems,
    ).toEqual([expect.stringContaining('order="newest"'), expect.stringContaining('maxResults=500')]);
  });

  it('refuses body fields the Video and Comment schemas do not have, or parts not asked for', () => {
    const insert = (body: unknown, part = 'snippet,status') =>
      checkRequest('POST', '/upload/youtube/v3/videos', query(`uploadType=resumable&part=${part}`), body)
        .problems;
    expect(insert({ snippet: { title: 'a', tags: ['b'] }, status: { privacyStatus: 'public' } })).toEqual([]);
    expect(insert({ snippet: { title: 'a', keywords: 'b' } })).toEqual([expect.stringContaining('keywords')]);
    expect(insert({ status: { privacyStatus: 'friends' } })).toEqual([expect.stringContaining('friends')]);
    expect(insert({ snippet: { title: 'a' }, status: {} }, 'snippet')).toEqual([
      expect.stringContaining('"status"'),
    ]);
    expect(
      checkRequest('POST', '/youtube/v3/comments', query('part=snippet'), {
        snippet: { parentId: 'x', text: 'y' },
      }).problems,
    ).toEqual([expect.stringContaining('snippet.text')]);
    expect(
      schemaProblems({ snippet: { topLevelComment: { snippet: { textOriginal: 1 } } } }, 'CommentThread'),
    ).toEqual([expect.stringContaining('must be a string')]);
  });
});
