import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import facebook from '../../plugins/facebook';
import { facebookOAuth } from '../../plugins/facebook/facebook-oauth';
import type { FacebookOptions } from '../../plugins/facebook/facebook-options.schema';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type Connector,
  type OAuthTokens,
  type PluginCredentials,
  type PluginStateStore,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryStateStore,
  createTestPluginContext,
} from '../../src/plugin-sdk/testing';
import { FacebookGraphFake } from '../fakes/facebook-graph.fake';

const REDIRECT_URI = 'https://metronome.acme.example/oauth/callback';

const request = (
  key: string,
  text: string,
  extra: Record<string, unknown> = {},
  photos = 0,
): PublishRequest => ({
  idempotencyKey: key,
  text,
  media: Array.from({ length: photos }, (_, index) => ({
    path: `/content/acme/photo-${index + 1}.png`,
    mimeType: 'image/png',
    altText: `Photo ${index + 1}`,
  })),
  scheduledAt: new Date(),
  extra,
});

/** publish, as the core calls it (this connector answers published posts only). */
async function publishNow(connector: Connector, publishRequest: PublishRequest): Promise<PublishResult> {
  return (await connector.publish!(publishRequest)) as PublishResult;
}

/** Credentials the test can swap, as a reconnect does in the host's OAuth store. */
class SwappableCredentials implements PluginCredentials {
  refreshes = 0;
  constructor(public tokens: OAuthTokens) {}
  async current(): Promise<OAuthTokens> {
    return this.tokens;
  }
  async refresh(): Promise<boolean> {
    this.refreshes += 1;
    return false; // Page tokens have no refresh grant: nothing renews them.
  }
}

/** Serves the photos Facebook fetches by URL (what the host's signed media links do). */
async function startMediaServer(): Promise<{ server: Server; url: string; fetched: string[] }> {
  const fetched: string[] = [];
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
    'base64',
  );
  const server = createServer((req, res) => {
    fetched.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
    res.end(png);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, fetched };
}

describe('facebook connector against the Graph contract fake', () => {
  let fake: FacebookGraphFake;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let state: PluginStateStore;
  let credentials: SwappableCredentials;

  async function optionsOf(extra: Record<string, unknown> = {}): Promise<FacebookOptions> {
    const validated = await facebook.options!['~standard'].validate({
      clientId: fake.appId,
      clientSecret: fake.appSecret,
      graphBaseUrl: fake.baseUrl,
      loginBaseUrl: fake.baseUrl,
      ...extra,
    });
    if (validated.issues) {
      throw new Error(JSON.stringify(validated.issues));
    }
    return validated.value;
  }

  /** A connector as the host builds one: its options through the schema, a context with state, media links. */
  async function connector(extra: Record<string, unknown> = {}): Promise<Connector> {
    const context = {
      ...createTestPluginContext({
        plugin: 'facebook',
        scope: 'acme/facebook',
        state,
        credentials,
        maxRequestTimeoutMs: 1_000,
      }),
      media: { publicUrl: (file: { path: string }) => `${media.url}/m/${file.path.split('/').pop()}` },
    };
    return facebook.create(context, await optionsOf(extra));
  }

  /** `metronome channels connect`, as the host runs it: consent, code exchange, then the provider's `complete`. */
  async function connectThroughOAuth(extra: Record<string, unknown> = {}): Promise<OAuthTokens> {
    const options = await optionsOf(extra);
    const consent = new URL(facebookOAuth.authorizationUrl(options));
    consent.searchParams.set('client_id', fake.appId);
    consent.searchParams.set('redirect_uri', REDIRECT_URI);
    consent.searchParams.set('state', 'state-1');
    consent.searchParams.set(
      'scope',
      facebookOAuth.scopes(options).join(facebookOAuth.scopeSeparator ?? ' '),
    );
    const dialog = await fetch(consent, { redirect: 'manual' });
    const code = new URL(dialog.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchange = await fetch(facebookOAuth.tokenUrl(options), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: fake.appId,
        client_secret: fake.appSecret,
      }).toString(),
    });
    const response = (await exchange.json()) as { access_token: string };
    return facebookOAuth.complete!(response, {
      options,
      http: createFetchHttpClient('facebook'),
      clock: { now: () => new Date() },
    });
  }

  beforeAll(async () => {
    media = await startMediaServer();
  });

  afterAll(async () => {
    media.server.closeAllConnections();
    await new Promise((resolve) => media.server.close(resolve));
  });

  beforeEach(async () => {
    fake = await new FacebookGraphFake().start();
    state = createMemoryStateStore();
    credentials = new SwappableCredentials({
      accessToken: fake.issuePageToken(),
      account: { pageId: fake.page.id },
    });
  });

  afterEach(async () => {
    await fake.stop();
  });

  describe('connecting with Facebook Login', () => {
    it('exchanges the code, then the long-lived token, and stores the Page token (no expiry, no refresh token)', async () => {
      const options = await optionsOf();
      expect(facebookOAuth.authorizationUrl(options)).toBe(`${fake.baseUrl}/v26.0/dialog/oauth`);
      const tokens = await connectThroughOAuth();
      expect(tokens.account).toEqual({ pageId: fake.page.id, pageName: fake.page.name });
      expect(tokens.expiresAt).toBeUndefined();
      expect(tokens.refreshToken).toBeUndefined();
      expect(fake.tokenRequests).toEqual({ code: 1, exchange: 1 });
      // The stored token is the Page's: it publishes.
      credentials.tokens = tokens;
      const result = await publishNow(
        await connector(),
        request('oauth:1', 'Connected through Facebook Login.'),
      );
      expect(fake.posts.get(result.remoteId)?.message).toBe('Connected through Facebook Login.');
    });

    it('names every Page when the account manages several and pageId is not set, and picks the one pageId names', async () => {
      fake.managedPages.push({ id: fake.otherPage.id, name: fake.otherPage.name });
      const several = connectThroughOAuth();
      await expect(several).rejects.toBeInstanceOf(AuthenticationError);
      await expect(several).rejects.toThrow(
        `several Pages ("Acme Coffee" (${fake.page.id}), "Acme Coffee Berlin" (${fake.otherPage.id})): set the channel's option pageId`,
      );
      const chosen = await connectThroughOAuth({ pageId: fake.otherPage.id });
      expect(chosen.account?.pageId).toBe(fake.otherPage.id);
      await expect(connectThroughOAuth({ pageId: '999' })).rejects.toThrow(
        'the Page 999 (option pageId) is not among the Pages',
      );
    });
  });

  describe('publishing', () => {
    it('publishes text and links once per key, signed with appsecret_proof, the token only in the header', async () => {
      const page = await connector();
      const first = await publishNow(
        page,
        request('post-1', 'Winter blend is back.', { link: 'https://acme.example/winter' }),
      );
      const again = await publishNow(
        page,
        request('post-1', 'Winter blend is back.', { link: 'https://acme.example/winter' }),
      );
      expect(again).toEqual(first);
      expect(first.url).toBe(`https://www.facebook.com/${first.remoteId}`);
      expect(fake.postsWithMessage('Winter blend is back.')).toEqual([
        expect.objectContaining({ id: first.remoteId, link: 'https://acme.example/winter' }),
      ]);
      const [post] = fake.requestsTo('POST', `/${fake.page.id}/feed`);
      expect(post.path).toBe(`/v26.0/${fake.page.id}/feed`);
      expect(post.params.get('appsecret_proof')).toMatch(/^[0-9a-f]{64}$/);
      expect(post.params.has('access_token')).toBe(false);
      await expect(publishNow(page, request('post-2', 'Bad link', { link: 'ftp://x' }))).rejects.toThrow(
        'extra.link must be an http(s) address',
      );
    });

    it('publishes one photo by URL with its caption and alt text, and several as unpublished photos attached to one post', async () => {
      const page = await connector();
      const single = await publishNow(page, request('photo-1', 'Latte art.', {}, 1));
      expect(fake.posts.get(single.remoteId)).toEqual(expect.objectContaining({ message: 'Latte art.' }));
      const [photo] = [...fake.photos.values()];
      expect(photo).toEqual(
        expect.objectContaining({ published: true, altText: 'Photo 1', url: `${media.url}/m/photo-1.png` }),
      );

      // The answer to the feed post is lost once: the retry reuses the three uploaded photos, lookup finds the post.
      fake.fail({ kind: 'lose-answer' }, 'POST feed');
      await expect(publishNow(page, request('album-1', 'Three roasts.', {}, 3))).rejects.toBeInstanceOf(
        OutcomeUnknownError,
      );
      const found = (await (await connector()).lookup!('album-1')) as PublishResult | undefined;
      expect(found?.remoteId).toBeDefined();
      expect(fake.posts.get(found!.remoteId)?.photoIds).toHaveLength(3);
      expect([...fake.photos.values()].filter((p) => !p.published)).toHaveLength(3);
      expect(media.fetched).toHaveLength(4);
      expect(fake.postsWithMessage('Three roasts.')).toHaveLength(1);
    });

    it('a photo URL Facebook cannot fetch is refused with Graph’s code and words', async () => {
      const context = {
        ...createTestPluginContext({ plugin: 'facebook', scope: 'acme/facebook', state, credentials }),
        media: { publicUrl: () => `${media.url.replace(/:\d+$/, ':1')}/gone.png` },
      };
      const page = facebook.create(context, await optionsOf()) as Connector;
      const failure = publishNow(page, request('photo-x', 'Missing photo', {}, 1));
      await expect(failure).rejects.toBeInstanceOf(PermanentError);
      await expect(failure).rejects.toThrow('(324)');
    });

    it('publishing again after a lost answer finds the post instead of sending it twice', async () => {
      const page = await connector();
      fake.fail({ kind: 'lose-answer' }, 'POST feed');
      await expect(publishNow(page, request('dup-1', 'Open on Sunday.'))).rejects.toBeInstanceOf(
        OutcomeUnknownError,
      );
      // The core would look it up first; a publish again must not make a second post either.
      const again = await publishNow(page, request('dup-1', 'Open on Sunday.'));
      expect(fake.postsWithMessage('Open on Sunday.')).toEqual([
        expect.objectContaining({ id: again.remoteId }),
      ]);
    });

    it('a 506 for the Page’s latest post, made by hand 20 minutes earlier, is a refusal (not taken as ours)', async () => {
      const page = await connector();
      fake.postDirectly('Closed on Monday.', new Date(Date.now() - 20 * 60_000));
      const refused = publishNow(page, request('dup-2', 'Closed on Monday.'));
      await expect(refused).rejects.toBeInstanceOf(PermanentError);
      await expect(refused).rejects.toThrow('(506)');
      expect(fake.postsWithMessage('Closed on Monday.')).toHaveLength(1);
    });

    it('deletes a post; a post already gone is deleted', async () => {
      const page = await connector();
      const { remoteId } = await publishNow(page, request('del-1', 'Short-lived.'));
      await page.delete!(remoteId);
      expect(fake.posts.has(remoteId)).toBe(false);
      await expect(page.delete!(remoteId)).resolves.toBeUndefined();
    });
  });

  describe('inbox and replies', () => {
    it('reads comments newest first across pages of 100, keeps the cursor, marks the Page’s own replies', async () => {
      const post = fake.postDirectly('New menu.');
      for (let i = 0; i < 130; i++) {
        fake.comment(post.id, `comment ${i}`);
      }
      const page = await connector();
      const all = await page.fetchInbox!(undefined);
      expect(all).toHaveLength(130);
      expect(all[0]).toEqual(
        expect.objectContaining({
          kind: 'comment',
          author: 'Jo Reader',
          byOwner: false,
          inReplyToRemoteId: post.id,
        }),
      );
      expect(fake.requestsTo('GET', `/${post.id}/comments`)).toHaveLength(2);

      const since = all.reduce((at, item) => (item.receivedAt > at ? item.receivedAt : at), new Date(0));
      const question = fake.comment(post.id, 'Is the oat milk free?');
      const answer = await page.reply!(
        { remoteId: question.id, kind: 'comment', author: 'Jo Reader' },
        { idempotencyKey: 'reply-1', text: 'Yes, always.' },
      );
      const newer = await page.fetchInbox!(since);
      expect(newer.map((item) => item.text).sort()).toEqual(['Is the oat milk free?', 'Yes, always.']);
      expect(newer.find((item) => item.remoteId === answer.remoteId)).toEqual(
        expect.objectContaining({ kind: 'reply', byOwner: true, inReplyToRemoteId: question.id }),
      );
      expect(await page.lookup!('reply-1')).toEqual(answer);
    });

    it('a reply whose answer was lost is found by lookup on a new instance, and never sent twice', async () => {
      const post = fake.postDirectly('Holiday hours.');
      const question = fake.comment(post.id, 'Open on the 24th?');
      fake.fail({ kind: 'lose-answer' }, 'POST comments');
      const item = { remoteId: question.id, kind: 'comment' as const, author: 'Jo Reader' };
      await expect(
        (await connector()).reply!(item, { idempotencyKey: 'reply-2', text: 'Until 2 pm.' }),
      ).rejects.toBeInstanceOf(OutcomeUnknownError);
      const restarted = await connector();
      const found = (await restarted.lookup!('reply-2')) as PublishResult | undefined;
      expect(found).toBeDefined();
      expect(await restarted.reply!(item, { idempotencyKey: 'reply-2', text: 'Until 2 pm.' })).toEqual(found);
      expect([...fake.comments.values()].filter((c) => c.message === 'Until 2 pm.')).toHaveLength(1);
    });
  });

  describe('metrics and profile', () => {
    it('reads current Page Insights metrics only (the deprecated ones are refused by Graph)', async () => {
      const metrics = await (await connector()).fetchMetrics!('2026-12-01');
      expect(metrics).toEqual({ followers: 1840, impressions: 5230, engagements: { postEngagements: 312 } });
      const [call] = fake.requestsTo('GET', '/insights');
      expect(call.params.get('metric')).toBe('page_follows,page_media_view,page_post_engagements');
      expect(call.params.get('since')).toBe(String(Date.UTC(2026, 11, 1) / 1000));
      expect(await (await connector()).getProfile!()).toEqual({
        displayName: 'Acme Coffee',
        bio: 'Small-batch roastery.',
        links: ['https://acme.example'],
      });
    });

    it('a token without read_insights asks for a reconnect that grants it', async () => {
      credentials.tokens = {
        accessToken: fake.issuePageToken(fake.page.id, ['pages_read_engagement', 'pages_manage_posts']),
        account: { pageId: fake.page.id },
      };
      const failure = (await connector()).fetchMetrics!('2026-12-01');
      await expect(failure).rejects.toBeInstanceOf(AuthenticationError);
      await expect(failure).rejects.toThrow('metronome channels connect acme/facebook');
    });
  });

  describe('quota and tokens', () => {
    it('the Page’s call budget (code 80001) is RateLimitedError at the reset X-Business-Use-Case-Usage gives', async () => {
      await fake.stop();
      fake = await new FacebookGraphFake({ pageCallBudget: { limit: 3, windowMs: 3_600_000 } }).start();
      credentials.tokens = { accessToken: fake.issuePageToken(), account: { pageId: fake.page.id } };
      const page = await connector();
      await publishNow(page, request('q-1', 'One.'));
      await publishNow(page, request('q-2', 'Two.'));
      await publishNow(page, request('q-3', 'Three.'));
      const before = Date.now();
      const error = await publishNow(page, request('q-4', 'Four.')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      const retryAt = (error as RateLimitedError).retryAt!.getTime();
      expect(retryAt).toBeGreaterThanOrEqual(before + 59 * 60_000);
      expect(retryAt).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
      expect(fake.throttled).toBe(1);
      expect(fake.postsWithMessage('Four.')).toHaveLength(0);
    });

    it('a session expired mid-burst stops the burst with AuthenticationError; after reconnecting, the rest go once', async () => {
      credentials.tokens = await connectThroughOAuth();
      const texts = Array.from({ length: 6 }, (_, i) => `Burst post ${i + 1}.`);
      const page = await connector();
      const failures: unknown[] = [];
      for (const [index, text] of texts.entries()) {
        if (index === 3) {
          fake.expireSession(); // 190/460: the person changed their password.
        }
        await publishNow(page, request(`burst-${index}`, text)).catch((error: unknown) =>
          failures.push(error),
        );
      }
      expect(failures).toHaveLength(3);
      failures.forEach((error) => {
        expect(error).toBeInstanceOf(AuthenticationError);
        expect((error as Error).message).toContain('metronome channels connect acme/facebook');
        expect((error as Error).message).not.toContain(credentials.tokens.accessToken);
      });
      expect(await page.refreshCredentials!()).toBe(false); // nothing renews a Page token: a person reconnects
      credentials.tokens = await connectThroughOAuth();
      expect(fake.tokenRequests).toEqual({ code: 2, exchange: 2 });
      for (const [index, text] of texts.entries()) {
        await publishNow(page, request(`burst-${index}`, text));
      }
      texts.forEach((text) => expect(fake.postsWithMessage(text)).toHaveLength(1));
    });

    it('a revoked app is AuthenticationError naming the fix, never the token', async () => {
      fake.revokeApp();
      const error = await publishNow(await connector(), request('rev-1', 'Revoked.')).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain('190/458');
      expect((error as Error).message).not.toContain(credentials.tokens.accessToken);
    });
  });
});
