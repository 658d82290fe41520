import x from '../../plugins/x';
import { xOAuth } from '../../plugins/x/x-oauth';
import type { XOptions } from '../../plugins/x/x-options.schema';
import {
  PermanentError,
  RateLimitedError,
  type Connector,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createTestPluginContext,
  type TestPluginContext,
} from '../../src/plugin-sdk/testing';
import { XApiFake } from '../fakes/x-api.fake';
import { connectedCredentials, optionsFor } from './x-fixtures';

const request = (key: string, text: string, extra: Record<string, unknown> = {}): PublishRequest => ({
  idempotencyKey: key,
  text,
  media: [],
  scheduledAt: new Date(),
  extra,
});

describe('x connector against the contract fake', () => {
  let fake: XApiFake;
  let options: XOptions;
  let context: TestPluginContext;
  let connector: Connector;

  beforeEach(async () => {
    fake = await new XApiFake().start();
    options = optionsFor(fake);
    context = createTestPluginContext({ credentials: connectedCredentials(fake, options) });
    connector = x.create(context, options) as Connector;
  });

  afterEach(async () => {
    expect(fake.contractViolations).toEqual([]);
    await fake.stop();
  });

  it('publishes and answers the post’s address', async () => {
    const result = (await connector.publish!(request('a', 'Fresh beans today.'))) as PublishResult;
    expect(result.url).toBe(`https://x.com/${fake.username}/status/${result.remoteId}`);
    expect(fake.postsWithText('Fresh beans today.')).toBe(1);
  });

  it('a lost answer is found by its marker before any resend; X’s 403 duplicate content for another key’s text is refused in words', async () => {
    fake.inject({ kind: 'lose-answer' });
    await expect(connector.publish!(request('dup', 'Same words.'))).rejects.toThrow('may have done it');
    // A resend without the core's lookup (a retry after a crash): the connector looks first and finds it.
    const result = (await connector.publish!(request('dup', 'Same words.'))) as PublishResult;
    expect(fake.postsWithText('Same words.')).toBe(1);
    expect(fake.counts.duplicateRefusals).toBe(0);
    // Another key with the same text: X refuses it; not this key's post, so refused in words.
    await expect(connector.publish!(request('dup-2', 'Same words.'))).rejects.toThrow(PermanentError);
    expect(fake.counts.duplicateRefusals).toBe(1);
    expect(await connector.lookup!('dup')).toEqual(result);
  });

  it('an earlier attempt’s post is found by its marker before any resend: nothing sent twice, no duplicate refusal', async () => {
    fake.seed('Already up.');
    const state = context.state;
    await state.set('attempt:seeded', {
      text: 'Already up.',
      since: new Date(Date.now() - 30_000).toISOString(),
    });
    const result = (await connector.publish!(request('seeded', 'Already up.'))) as PublishResult;
    expect(result.remoteId).toBe(fake.posts()[0].id);
    expect(fake.postsWithText('Already up.')).toBe(1);
  });

  it('X’s 403 duplicate content for this key’s lost post (not yet in the timeline at first): found and recorded', async () => {
    fake.inject({ kind: 'lose-answer' });
    await expect(connector.publish!(request('late', 'Indexed late.'))).rejects.toThrow('may have done it');
    fake.hideNewestFromTimeline(1);
    const result = (await connector.publish!(request('late', 'Indexed late.'))) as PublishResult;
    expect(fake.counts.duplicateRefusals).toBe(1);
    expect(fake.postsWithText('Indexed late.')).toBe(1);
    expect(result.remoteId).toBe(fake.posts()[0].id);
    expect(await connector.lookup!('late')).toEqual(result);
  });

  it('honours x-rate-limit-remaining 0: the next post waits for the reset without being sent', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    fake.inject({
      kind: 'status',
      status: 201,
      body: { data: { id: '1870000000000999999', text: 'Last one.' } },
      headers: {
        'x-rate-limit-limit': '200',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(reset),
      },
    });
    await connector.publish!(request('last', 'Last one.'));
    const error = await connector.publish!(request('next', 'Next one.')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toEqual(new Date((reset + 1) * 1000));
    expect(fake.postsWithText('Next one.')).toBe(0);
  });

  it('refuses text over 280 weighted characters unless it is a thread, saying how X counts', async () => {
    await expect(connector.publish!(request('cjk', '語'.repeat(141)))).rejects.toThrow(
      'the text counts 282 characters as X counts them',
    );
    const result = (await connector.publish!(
      request('cjk-thread', '語'.repeat(141), { thread: true }),
    )) as PublishResult;
    expect(fake.posts()).toHaveLength(2);
    // Deleting the thread's first post removes the whole thread.
    await connector.delete!(result.remoteId);
    expect(fake.posts()).toHaveLength(0);
    await expect(connector.publish!(request('bad', 'x', { poll: true }))).rejects.toThrow(
      'unknown extra setting "poll"',
    );
  });

  it('inbox: mentions and replies to our posts, our own answers marked byOwner; a reply exactly once', async () => {
    const ours = (await connector.publish!(request('ours', 'Our winter blend is here.'))) as PublishResult;
    const reply = fake.mention('love it!', { replyTo: ours.remoteId });
    fake.mention('where can I buy it?');
    const items = await connector.fetchInbox!(undefined);
    expect(items.map((item) => [item.kind, item.author, item.inReplyToRemoteId])).toEqual([
      ['mention', '@reader42', undefined],
      ['reply', '@reader42', ours.remoteId],
    ]);
    const answer = await connector.reply!(
      { remoteId: reply.id, kind: 'reply', author: '@reader42' },
      { idempotencyKey: 'reply-1', text: 'Thank you!' },
    );
    expect(fake.posts().find((tweet) => tweet.id === answer.remoteId)?.replyTo).toBe(reply.id);
    expect(await connector.lookup!('reply-1')).toEqual(answer);
    const again = await connector.fetchInbox!(undefined);
    expect(again.find((item) => item.remoteId === answer.remoteId)).toMatchObject({
      byOwner: true,
      inReplyToRemoteId: reply.id,
    });
    const since = new Date(Date.now() + 60_000);
    expect(await connector.fetchInbox!(since)).toEqual([]);
  });

  it('metrics: followers and each recent post’s counts under X’s names; the profile', async () => {
    // X serves timelines up to 10 s before the request (end_time): a post of a minute ago.
    const post = { remoteId: fake.seed('Counting.', Date.now() - 60_000).id };
    const metrics = await connector.fetchMetrics!(new Date().toISOString().slice(0, 10));
    expect(metrics.followers).toBe(fake.followers);
    expect(metrics.posts).toEqual([
      {
        remoteId: post.remoteId,
        impressions: 121,
        clicks: 4,
        engagements: { retweets: 2, likes: 7, replies: 1, quotes: 0, bookmarks: 3 },
      },
    ]);
    expect(x.capabilities.metricNames?.engagements?.retweets).toBe('Reposts');
    expect(await connector.getProfile!()).toEqual({
      displayName: 'Acme Roasters',
      bio: 'Coffee roasted in small batches.',
      links: ['https://acme.example'],
    });
  });

  it('OAuth: the code exchange with PKCE finds the account; a refresh rotates the refresh token', async () => {
    const tools = { options, http: createFetchHttpClient('x'), clock: { now: () => new Date() } };
    const granted = fake.grant(['tweet.read', 'users.read', 'offline.access']);
    const completed = await xOAuth.complete!(
      {
        access_token: granted.accessToken,
        refresh_token: granted.refreshToken,
        expires_in: 7200,
        scope: 'tweet.read users.read offline.access',
      },
      tools,
    );
    expect(completed.account).toEqual({ id: fake.userId, username: fake.username });
    const renewed = await xOAuth.refresh!(completed, tools);
    expect(renewed.refreshToken).not.toBe(completed.refreshToken);
    expect(renewed.account).toEqual(completed.account);
    // The used refresh token is spent: renewing with it again is refused for good.
    await expect(xOAuth.refresh!(completed, tools)).rejects.toThrow('reconnect the channel');
    expect(xOAuth.authorizationUrl(options)).toBe(fake.authorizeUrl);
    expect(xOAuth.tokenUrl(options)).toBe(`${fake.baseUrl}/2/oauth2/token`);
    expect(xOAuth.pkce).toBe(true);
  });

  it('a pasted token cannot be renewed: refreshCredentials answers false', async () => {
    const pasted = x.create(createTestPluginContext(), {
      ...options,
      accessToken: 'not-a-token',
      userId: fake.userId,
    }) as Connector;
    await expect(pasted.publish!(request('p', 'x'))).rejects.toThrow('refused the access token');
    expect(await pasted.refreshCredentials!()).toBe(false);
  });
});
