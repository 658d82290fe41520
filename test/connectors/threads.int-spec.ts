import { basename } from 'node:path';
import threads from '../../plugins/threads';
import { threadsOAuth } from '../../plugins/threads/threads-oauth';
import type { ThreadsOptions } from '../../plugins/threads/threads-options.schema';
import {
  AuthenticationError,
  isPublishAccepted,
  PermanentError,
  RateLimitedError,
  type Connector,
  type OAuthTokens,
  type PluginContext,
  type PublishOutcome,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import {
  createMemoryCredentials,
  createTestPluginContext,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import { loadBuiltinPlugins } from '../../src/plugin-host/plugin.loader';
import { ThreadsApiFake } from '../fakes/threads-api.fake';

const DAY = 86_400_000;

const request = (
  idempotencyKey: string,
  text: string,
  extra: Partial<PublishRequest> = {},
): PublishRequest => ({
  idempotencyKey,
  text,
  media: [],
  scheduledAt: new Date(),
  extra: {},
  ...extra,
});

const image = (name: string) => ({
  path: `/content/acme/${name}`,
  root: '/content/acme',
  mimeType: 'image/jpeg',
  altText: `Photo ${name}`,
});

describe('threads connector against the Threads contract fake', () => {
  let fake: ThreadsApiFake;
  let credentials: MemoryCredentials;
  let context: PluginContext;
  let connector: Connector;

  async function optionsOf(extra: Partial<ThreadsOptions> = {}): Promise<ThreadsOptions> {
    const validated = await threads.options!['~standard'].validate({
      apiBaseUrl: fake.baseUrl,
      authorizationUrl: `${fake.baseUrl}/oauth/authorize`,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      timeoutMs: 1_000,
      ...extra,
    });
    if (validated.issues) {
      throw new Error(JSON.stringify(validated.issues));
    }
    return validated.value;
  }

  /** What the host would build: a context with the channel's OAuth tokens, renewed by the plugin's own refresh. */
  async function connect(tokens: OAuthTokens, clock = () => new Date(fake.now())): Promise<Connector> {
    const options = await optionsOf();
    const base = createTestPluginContext({ plugin: 'threads', scope: 'acme/threads', clock });
    credentials = createMemoryCredentials(
      tokens,
      (held) => threadsOAuth.refresh!(held, { options, http: base.http, clock: base.clock }),
      clock,
    );
    context = {
      ...base,
      credentials,
      // The host's signed media URLs, as Threads fetches them: an https address ending in the file's name.
      media: { publicUrl: (attachment) => `https://metronome.example/media/${basename(attachment.path)}` },
    };
    return threads.create(context, options);
  }

  /** Asks status until the post is published, as the core does after PublishAccepted. */
  async function settle(outcome: PublishOutcome, on = connector): Promise<PublishResult> {
    const current = outcome;
    for (let ask = 0; ask < 10; ask++) {
      if (!isPublishAccepted(current)) {
        return current;
      }
      const status = await on.status!(current.handle);
      if (status.status === 'published') {
        return status.result;
      }
      if (status.status === 'failed') {
        throw new Error(status.reason);
      }
    }
    throw new Error('never published');
  }

  beforeEach(async () => {
    fake = await new ThreadsApiFake().start();
    connector = await connect({ ...fake.issueLongLivedToken(), account: { userId: fake.userId } });
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('is loaded by the host as a built-in connector: manifest, SDK range and every declared limit accepted', () => {
    const loaded = loadBuiltinPlugins().find((plugin) => plugin.name === 'threads');
    expect(loaded).toMatchObject({ status: 'loaded', kind: 'connector', version: '1.0.0' });
  });

  it('publishes a text post in two steps: one container, one threads_publish, the permalink', async () => {
    const accepted = await connector.publish!(
      request('p1:threads', 'Winter blend is back. https://acme.example/winter', {
        extra: { topicTag: 'coffee' },
      }),
    );
    expect(accepted).toMatchObject({ status: 'accepted', handle: expect.any(String) });
    const result = await settle(accepted);
    expect(result.remoteId).toBe(fake.posts()[0].id);
    expect(result.url).toBe(`https://www.threads.net/@acme.coffee/post/${result.remoteId}`);
    expect(fake.counters).toMatchObject({ containersCreated: 1, publishCalls: 1 });
    expect([...fake.containers.values()][0]).toMatchObject({ mediaType: 'TEXT', topicTag: 'coffee' });
    // A repeat of the key answers the same post and creates nothing.
    expect(
      await connector.publish!(request('p1:threads', 'Winter blend is back. https://acme.example/winter')),
    ).toEqual(result);
    expect(await connector.lookup!('p1:threads')).toEqual(result);
    expect(fake.counters).toMatchObject({ containersCreated: 1, publishCalls: 1 });
  });

  it('publishes an image and a carousel through containers that finish later, each published once', async () => {
    const single = await connector.publish!(
      request('img:threads', 'One cup.', { media: [image('cup.jpg')] }),
    );
    expect(single).toMatchObject({ status: 'accepted', checkAfterMs: 30_000 });
    // The fake answers IN_PROGRESS first: the connector says "finishing" and publishes nothing yet.
    expect(await connector.status!((single as { handle: string }).handle)).toMatchObject({
      status: 'finishing',
    });
    expect(fake.counters.publishCalls).toBe(0);
    await settle(single);

    const carousel = await settle(
      await connector.publish!(
        request('car:threads', 'Three roasts.', { media: [image('a.jpg'), image('b.jpg'), image('c.jpg')] }),
      ),
    );
    const parent = [...fake.containers.values()].find((container) => container.mediaType === 'CAROUSEL')!;
    expect(parent.children).toHaveLength(3);
    expect(parent.children.map((id) => fake.containers.get(id)!.imageUrl)).toEqual([
      'https://metronome.example/media/a.jpg',
      'https://metronome.example/media/b.jpg',
      'https://metronome.example/media/c.jpg',
    ]);
    expect(fake.posts().map((post) => post.id)).toContain(carousel.remoteId);
    expect(fake.counters).toMatchObject({ containersCreated: 1 + 3 + 1, publishCalls: 2 });
  });

  it('refuses a text Threads counts over 500 (emoji count as UTF-8 bytes) before creating anything', async () => {
    const text = '☕'.repeat(126); // 126 graphemes, 378 bytes as Threads counts them
    const fits = await settle(await connector.publish!(request('ok:threads', text)));
    expect(fits.remoteId).toBeTruthy();
    const over = '👍'.repeat(126); // 126 graphemes (the core lets it through), 504 as Threads counts
    const error = await connector.publish!(request('over:threads', over)).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('counts 504 of Threads');
    expect(fake.counters.containersCreated).toBe(1);
  });

  it('reads replies under the account’s posts page by page, with a cursor, and answers one exactly once', async () => {
    const post = await settle(await connector.publish!(request('inbox:threads', 'Ask us anything.')));
    for (let n = 0; n < 60; n++) {
      fake.replyFromOther(post.remoteId, `reader${n}`, `question ${n}`, fake.now() - 60_000);
    }
    const first = await connector.fetchInbox!(undefined);
    expect(first).toHaveLength(60); // two pages of 50 and 10
    expect(first[0]).toMatchObject({ kind: 'comment', author: 'reader0', inReplyToRemoteId: post.remoteId });

    const item = first[5];
    const reply = await connector.reply!(
      { remoteId: item.remoteId, kind: item.kind, author: item.author },
      { idempotencyKey: 'reply-1', text: 'Thanks for asking!' },
    );
    const again = await connector.reply!(
      { remoteId: item.remoteId, kind: item.kind, author: item.author },
      { idempotencyKey: 'reply-1', text: 'Thanks for asking!' },
    );
    expect(again).toEqual(reply);
    expect(await connector.lookup!('reply-1')).toEqual(reply);
    expect(fake.ownReplies()).toEqual([
      expect.objectContaining({ id: reply.remoteId, replyToId: item.remoteId }),
    ]);

    fake.advance(2_000);
    const later = fake.replyFromOther(post.remoteId, 'late.reader', 'one more');
    const since = new Date(Math.max(...first.map((entry) => entry.receivedAt.getTime())));
    const next = await connector.fetchInbox!(since);
    expect(next.map((entry) => entry.remoteId).sort()).toEqual([later.id, reply.remoteId].sort());
    expect(next.find((entry) => entry.remoteId === reply.remoteId)).toMatchObject({
      byOwner: true,
      kind: 'reply',
    });
  });

  it('collects the account’s and each post’s insights for a day', async () => {
    const post = await settle(await connector.publish!(request('m:threads', 'Counted.')));
    const media = fake.media.find((entry) => entry.id === post.remoteId)!;
    media.views = 120;
    media.likes = 7;
    fake.replyFromOther(post.remoteId, 'reader', 'nice');
    const day = new Date(fake.now()).toISOString().slice(0, 10);
    const metrics = await connector.fetchMetrics!(day);
    expect(metrics).toMatchObject({
      followers: 1234,
      impressions: 120,
      engagements: { likes: 7 },
      posts: [
        {
          remoteId: post.remoteId,
          impressions: 120,
          engagements: { likes: 7, replies: 1, reposts: 0, quotes: 0, shares: 0 },
        },
      ],
    });
  });

  it('checks the 250 posts / 1,000 replies quota before creating a container, and waits until the oldest post leaves the window', async () => {
    fake.postQuota = 2;
    const first = await settle(await connector.publish!(request('q1:threads', 'one')));
    fake.advance(3_600_000);
    await settle(await connector.publish!(request('q2:threads', 'two')));
    const error = await connector.publish!(request('q3:threads', 'three')).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    const oldest = fake.media.find((entry) => entry.id === first.remoteId)!.timestamp;
    // Whole seconds, as Threads reports timestamps.
    expect((error as RateLimitedError).retryAt!.getTime()).toBe(Math.floor(oldest / 1000) * 1000 + DAY);
    expect(fake.counters.containersCreated).toBe(2);

    fake.replyQuota = 0;
    const replyError = await connector.reply!(
      { remoteId: first.remoteId, kind: 'comment', author: 'x' },
      { idempotencyKey: 'r', text: 'hi' },
    ).catch((failure: unknown) => failure);
    expect(replyError).toBeInstanceOf(RateLimitedError);
    expect(fake.counters.containersCreated).toBe(2);
  });

  it('renews a token that expires mid-burst once, through Threads’ th_refresh_token, and publishes every post', async () => {
    // A long-lived token issued 60 days minus 90 s ago: it expires during the burst (a post every 30 s).
    const issued = fake.issueLongLivedToken(60 * DAY - 90_000);
    connector = await connect({ ...issued, account: { userId: fake.userId } });
    const results: PublishResult[] = [];
    for (let n = 0; n < 5; n++) {
      results.push(await settle(await connector.publish!(request(`burst-${n}`, `burst ${n}`))));
      fake.advance(30_000);
    }
    expect(new Set(results.map((result) => result.remoteId)).size).toBe(5);
    expect(fake.counters.tokenRequests.refresh).toBe(1);
    expect(credentials.refreshes).toBe(1);
    expect(credentials.tokens.accessToken).not.toBe(issued.accessToken);
    expect(credentials.tokens.expiresAt!.getTime()).toBeGreaterThan(fake.now() + 59 * DAY);
  });

  it('a revoked token needs a person: AuthenticationError, and refreshCredentials cannot renew it', async () => {
    fake.revokeAll();
    const error = await connector.publish!(request('rev:threads', 'revoked')).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('metronome channels connect acme/threads');
    expect((error as Error).message).not.toContain(credentials.tokens.accessToken);
    await expect(connector.refreshCredentials!()).rejects.toBeInstanceOf(AuthenticationError);
    expect(fake.counters.containersCreated).toBe(0);
  });

  it('connects through OAuth: code → short-lived token and user id → long-lived token (60 days)', async () => {
    const options = await optionsOf();
    const base = createTestPluginContext({ clock: () => new Date(fake.now()) });
    const code = fake.authorize();
    // What the host does with the code at threadsOAuth.tokenUrl (form fields, client authentication in the body).
    const answer = await base.http.request(threadsOAuth.tokenUrl(options), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: fake.clientId,
        client_secret: fake.clientSecret,
        grant_type: 'authorization_code',
        redirect_uri: 'https://metronome.example/oauth/callback',
        code,
      }).toString(),
    });
    const tokens = await threadsOAuth.complete!(await answer.json(), {
      options,
      http: base.http,
      clock: base.clock,
    });
    expect(tokens.account).toEqual({ userId: fake.userId });
    expect(tokens.expiresAt!.getTime()).toBeGreaterThan(fake.now() + 59 * DAY);
    expect(fake.counters.tokenRequests).toEqual({ code: 1, exchange: 1, refresh: 0 });
    expect(threadsOAuth.scopes(options).join(threadsOAuth.scopeSeparator)).toBe(
      'threads_basic,threads_content_publish,threads_manage_replies,threads_read_replies,threads_manage_insights',
    );
    const fresh = await connect(tokens);
    await settle(await fresh.publish!(request('oauth:threads', 'Connected.')), fresh);
    expect(fake.postsWithText('Connected.')).toBe(1);
  });
});
