import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import mastodon from '../../plugins/mastodon';
import type { MastodonOptions } from '../../plugins/mastodon/mastodon-options.schema';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { loadBuiltinPlugins } from '../../src/plugin-host/plugin.loader';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type OneStepConnector,
  type PluginClock,
  type PluginContext,
  type PublishRequest,
} from '../../src/plugin-sdk';
import { MastodonApiFake } from '../fakes/mastodon-api.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

/** Every request of the connector gives up after this long here, so "no answer" tests stay fast. */
const REQUEST_TIMEOUT_MS = 750;
const START = new Date('2026-12-02T09:15:00.000Z');
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

class TestClock implements PluginClock {
  private current = START;
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

describe('Mastodon connector (against MastodonApiFake, a contract fake of the Mastodon REST API)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let factory: PluginContextFactory;
  let fake: MastodonApiFake;
  let clock: TestClock;
  let mediaDir: string;
  let image: string;
  let scopes = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    factory = new PluginContextFactory(new PluginStateRepository(dataSource));
    mediaDir = mkdtempSync(join(tmpdir(), 'metronome-mastodon-'));
    image = join(mediaDir, 'winter.png');
    writeFileSync(image, PNG);
  });

  afterAll(async () => {
    await db.dispose();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    clock = new TestClock();
    fake = await new MastodonApiFake({ now: () => clock.now(), mediaPollsUntilReady: 0 }).start();
  });

  afterEach(async () => {
    await fake.stop();
  });

  /** The plugin as the host builds it: options through its schema, a real context on the test database. */
  async function connect(
    options: Partial<MastodonOptions> = {},
    scope = scopes++ === 0 ? 'acme/masto' : `acme/masto-${scopes}`,
  ): Promise<{ connector: OneStepConnector; context: PluginContext }> {
    const validated = await mastodon.options!['~standard'].validate({
      instance: fake.baseUrl,
      accessToken: fake.token,
      ...options,
    });
    if (validated.issues) {
      throw new Error(`options refused: ${JSON.stringify(validated.issues)}`);
    }
    const real = factory.create('mastodon', scope, clock);
    const context: PluginContext = {
      ...real,
      http: {
        request: (url, init = {}) =>
          real.http.request(url, {
            ...init,
            timeoutMs: Math.min(init.timeoutMs ?? 15_000, REQUEST_TIMEOUT_MS),
          }),
      },
    };
    return { connector: (await mastodon.create(context, validated.value)) as OneStepConnector, context };
  }

  function post(key: string, text: string, more: Partial<PublishRequest> = {}): PublishRequest {
    return { idempotencyKey: key, text, media: [], scheduledAt: clock.now(), extra: {}, ...more };
  }

  function statusPosts(): number {
    return fake.requestsTo('POST', '/api/v1/statuses').length;
  }

  it('loads as a built-in plugin and declares its capabilities, with Mastodon’s default text limit', () => {
    expect(loadBuiltinPlugins().find((plugin) => plugin.name === 'mastodon')).toMatchObject({
      status: 'loaded',
      kind: 'connector',
      version: '1.1.0',
    });
    expect(mastodon).toMatchObject({
      kind: 'connector',
      name: 'mastodon',
      sdk: '^2.0.0',
      capabilities: {
        publish: true,
        delete: true,
        inbox: true,
        profile: true,
        metrics: true,
        text: { graphemes: 500 },
        media: { maxCount: 4, altTextLimit: 1500 },
      },
    });
  });

  it('publishes with media, alt text, a content warning, visibility and language, waiting for processing', async () => {
    fake.mediaPollsUntilReady = 2;
    const { connector } = await connect({ visibility: 'private', language: 'de' });

    const result = await connector.publish!(
      post('post-1/mastodon', 'Our winter blend is here ☕️ https://acme.example/winter-blend #coffee', {
        media: [{ path: image, mimeType: 'image/png', altText: 'A bag of winter blend beside a V60' }],
        extra: { visibility: 'unlisted', spoilerText: 'Coffee talk', sensitive: true, language: 'en' },
      }),
    );

    const [status] = fake.accountStatuses();
    expect(fake.accountStatuses()).toHaveLength(1);
    expect(result).toEqual({
      remoteId: status.id,
      url: `${fake.baseUrl}/@acme/${status.id}`,
      publishedAt: START,
    });
    expect(status).toMatchObject({
      text: 'Our winter blend is here ☕️ https://acme.example/winter-blend #coffee',
      spoilerText: 'Coffee talk',
      visibility: 'unlisted',
      sensitive: true,
      language: 'en',
    });
    const [media] = status.mediaIds.map((id) => fake.media.get(id)!);
    expect(media).toMatchObject({
      fileName: 'winter.png',
      mimeType: 'image/png',
      bytes: PNG.length,
      description: 'A bag of winter blend beside a V60',
    });
    // 202 on upload, then 206 twice, then 200 with a url: only then was the status sent.
    expect(fake.requestsTo('GET', `/api/v1/media/${media.id}`)).toHaveLength(3);
    const [create] = fake.requestsTo('POST', '/api/v1/statuses');
    expect(create.headers['idempotency-key']).toBe('post-1/mastodon');
    expect(new URLSearchParams(create.body.toString()).getAll('media_ids[]')).toEqual([media.id]);

    // Without per-post settings, the channel's defaults apply.
    await connector.publish!(post('post-2/mastodon', 'Opening hours over the holidays'));
    expect(fake.accountStatuses()[1]).toMatchObject({
      visibility: 'private',
      language: 'de',
      sensitive: false,
    });
  });

  it('answers a retry with the same key with the first status: one status on the server', async () => {
    const { connector } = await connect();
    const first = await connector.publish!(post('post-3/mastodon', 'Cupping session on Saturday'));

    expect(await connector.publish!(post('post-3/mastodon', 'Cupping session on Saturday'))).toEqual(first);
    expect(statusPosts()).toBe(1);

    // Another worker without this channel's state: Mastodon's Idempotency-Key record answers.
    const { connector: elsewhere } = await connect();
    const replayed = await elsewhere.publish!(post('post-3/mastodon', 'Cupping session on Saturday'));
    expect(replayed.remoteId).toBe(first.remoteId);
    expect(fake.idempotentReplays).toBe(1);
    expect(fake.accountStatuses()).toHaveLength(1);
  });

  it('refuses text over the instance’s own limit before sending it, naming the limit', async () => {
    fake.maxCharacters = 100;
    const { connector } = await connect();
    // 98 letters + a family emoji (one grapheme of 11 code points) + "!" = 100: fits.
    const fits = `${'a'.repeat(98)}👩‍👩‍👧‍👦!`;
    await expect(connector.publish!(post('post-4/mastodon', fits))).resolves.toMatchObject({});

    const error = await connector.publish!(post('post-5/mastodon', `${fits}!`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toMatch(/101 characters.*limit of 100 characters/);
    expect(statusPosts()).toBe(1);

    // A link counts as 23 characters, however long it is.
    const withLink = `${'b'.repeat(60)} https://acme.example/${'x'.repeat(200)}`;
    await expect(connector.publish!(post('post-6/mastodon', withLink))).resolves.toMatchObject({});
    expect(fake.accountStatuses()).toHaveLength(2);
  });

  it('reads the instance’s limits once a day; a limit lowered since is caught by Mastodon’s 422', async () => {
    const { connector } = await connect();
    await connector.publish!(post('post-7/mastodon', 'First'));
    await connector.publish!(post('post-8/mastodon', 'Second'));
    expect(fake.requestsTo('GET', '/api/v2/instance')).toHaveLength(1);

    fake.maxCharacters = 100;
    const error = await connector.publish!(post('post-9/mastodon', 'c'.repeat(150))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as Error).message).toContain('Text character limit of 100 exceeded');

    // The 422 dropped the cached limits: the next attempt reads them again and refuses before sending.
    const again = await connector.publish!(post('post-9/mastodon', 'c'.repeat(150))).catch((e: unknown) => e);
    expect((again as Error).message).toMatch(/limit of 100 characters/);
    expect(fake.requestsTo('GET', '/api/v2/instance')).toHaveLength(2);
    expect(statusPosts()).toBe(3);

    clock.advance(25 * 60 * 60 * 1000);
    await connector.publish!(post('post-10/mastodon', 'A day later'));
    expect(fake.requestsTo('GET', '/api/v2/instance')).toHaveLength(3);
  });

  it('maps a refused token (401) and a missing scope (403) to AuthenticationError, never echoing the token', async () => {
    const { connector } = await connect({ accessToken: 'revoked-token-0123456789' });
    const refused = await connector.publish!(post('post-11/mastodon', 'Hello')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect((refused as Error).message).toMatch(/401: The access token is invalid.*reconnect the channel/);
    expect((refused as Error).message).not.toContain('revoked-token');
    await expect(connector.getProfile!()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(connector.fetchInbox!(undefined)).rejects.toBeInstanceOf(AuthenticationError);

    const { connector: scoped } = await connect();
    fake.fail({ kind: 'forbidden' }, { route: 'POST /api/v1/statuses' });
    const forbidden = await scoped.publish!(post('post-12/mastodon', 'Hello')).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(AuthenticationError);
    expect((forbidden as Error).message).toContain('outside the authorized scopes');
    expect(fake.accountStatuses()).toHaveLength(0);
  });

  it('maps 429 to RateLimitedError with the time from X-RateLimit-Reset', async () => {
    const { connector } = await connect();
    const resetAt = new Date(START.getTime() + 4 * 60_000 + 321);
    fake.fail({ kind: 'rate-limited', resetAt, retryAfterSeconds: 30 }, { route: 'POST /api/v1/statuses' });

    const error = await connector.publish!(post('post-13/mastodon', 'Busy day')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt).toEqual(resetAt);
    expect(fake.accountStatuses()).toHaveLength(0);
  });

  it('treats 5xx as transient: a plain Error, nothing created, nothing to reconcile, the retry posts once', async () => {
    const { connector } = await connect();
    fake.fail({ kind: 'server-error', status: 503 }, { route: 'POST /api/v1/statuses' });

    const error = await connector.publish!(post('post-14/mastodon', 'Try again')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    for (const sdkError of [AuthenticationError, PermanentError, RateLimitedError, OutcomeUnknownError]) {
      expect(error).not.toBeInstanceOf(sdkError);
    }
    expect((error as Error).message).toMatch(/answered 503 while publishing a status/);
    expect(await connector.lookup!('post-14/mastodon')).toBeUndefined();

    await connector.publish!(post('post-14/mastodon', 'Try again'));
    expect(fake.accountStatuses()).toHaveLength(1);
  });

  it('reports a timeout after sending as OutcomeUnknownError; lookup then finds the status, with no second post', async () => {
    const { connector } = await connect();
    // HTML rendering on the server (links, mentions, hashtags, paragraphs, entities) must not defeat the match.
    const text =
      'Winter blend & friends 🎉\n\nThanks @ana@cafe.example for the photos!\nMore: https://acme.example/blog/a-very-long-article-slug-for-winter #coffee';
    fake.fail({ kind: 'hang-after-receive' }, { route: 'POST /api/v1/statuses' });

    const started = Date.now();
    const error = await connector.publish!(post('post-15/mastodon', text)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toMatch(/timed out.*may have been published: reconcile/);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [created] = fake.accountStatuses();
    expect(fake.accountStatuses()).toHaveLength(1);

    const found = await connector.lookup!('post-15/mastodon');
    expect(found).toEqual({
      remoteId: created.id,
      url: `${fake.baseUrl}/@acme/${created.id}`,
      publishedAt: START,
    });
    // Reconciled: publishing again answers from the channel's state without sending anything.
    expect(await connector.publish!(post('post-15/mastodon', text))).toEqual(found);
    expect(statusPosts()).toBe(1);
    expect(fake.accountStatuses()).toHaveLength(1);
  });

  it('a retry right after a lost answer is answered from Mastodon’s Idempotency-Key record', async () => {
    const { connector } = await connect();
    fake.fail({ kind: 'hang-after-receive' }, { route: 'POST /api/v1/statuses' });
    await expect(connector.publish!(post('post-15b/mastodon', 'Doors open at 8'))).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );

    const retried = await connector.publish!(post('post-15b/mastodon', 'Doors open at 8'));

    expect(retried.remoteId).toBe(fake.accountStatuses()[0].id);
    expect(fake.idempotentReplays).toBe(1);
    expect(fake.accountStatuses()).toHaveLength(1);
  });

  it('after a lost answer, a retry sees its upload attached and finds the status instead of posting again', async () => {
    fake.mediaPollsUntilReady = 1;
    const { connector } = await connect();
    const request = post('post-16/mastodon', 'Roast day', {
      media: [{ path: image, mimeType: 'image/png', altText: 'Beans cooling in the tray' }],
    });
    fake.fail({ kind: 'hang-after-receive' }, { route: 'POST /api/v1/statuses' });
    await expect(connector.publish!(request)).rejects.toBeInstanceOf(OutcomeUnknownError);

    const retried = await connector.publish!(request);

    expect(retried.remoteId).toBe(fake.accountStatuses()[0].id);
    expect(fake.accountStatuses()).toHaveLength(1);
    expect(statusPosts()).toBe(1);
    expect(fake.requestsTo('POST', '/api/v2/media')).toHaveLength(1);
  });

  it('after a failed attempt, a retry attaches the upload it already made', async () => {
    const { connector } = await connect();
    const request = post('post-16b/mastodon', 'Roast day', {
      media: [{ path: image, mimeType: 'image/png', altText: 'Beans cooling in the tray' }],
    });
    fake.fail({ kind: 'server-error', status: 502 }, { route: 'POST /api/v1/statuses' });
    await expect(connector.publish!(request)).rejects.toThrow(/answered 502/);

    await connector.publish!(request);

    const [upload] = fake.requestsTo('POST', '/api/v2/media');
    expect(fake.requestsTo('POST', '/api/v2/media')).toHaveLength(1);
    expect(fake.accountStatuses()[0].mediaIds).toHaveLength(1);
    expect(upload.body.toString('latin1')).toContain('Beans cooling in the tray');
  });

  it('past Mastodon’s one-hour idempotency window, looks for the earlier status before sending again', async () => {
    const { connector } = await connect();
    fake.fail({ kind: 'hang-after-receive' }, { route: 'POST /api/v1/statuses' });
    await expect(connector.publish!(post('post-17/mastodon', 'Late answer'))).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );

    clock.advance(61 * 60_000);
    const retried = await connector.publish!(post('post-17/mastodon', 'Late answer'));

    expect(retried.remoteId).toBe(fake.accountStatuses()[0].id);
    expect(statusPosts()).toBe(1);
    expect(fake.idempotentReplays).toBe(0);
  });

  it('lookup claims no status it cannot tie to the attempt', async () => {
    const { connector } = await connect();
    expect(await connector.lookup!('never-published')).toBeUndefined();

    // The same words posted by hand an hour before the attempt, and other text during it: neither is a match.
    fake.postDirectly('Flash sale today', { createdAt: new Date(START.getTime() - 60 * 60_000) });
    fake.fail({ kind: 'server-error' }, { route: 'POST /api/v1/statuses' });
    await expect(connector.publish!(post('post-18/mastodon', 'Flash sale today'))).rejects.toThrow(
      /answered 500/,
    );
    fake.postDirectly('Something else entirely');

    expect(await connector.lookup!('post-18/mastodon')).toBeUndefined();
  });

  it('deletes a status; deleting one that is already gone succeeds', async () => {
    const { connector } = await connect();
    const published = await connector.publish!(post('post-19/mastodon', 'Short-lived'));

    await connector.delete!(published.remoteId);
    expect(fake.accountStatuses()).toHaveLength(0);
    expect(fake.requestsTo('DELETE', `/api/v1/statuses/${published.remoteId}`)).toHaveLength(1);
    expect(await connector.lookup!('post-19/mastodon')).toBeUndefined();

    await expect(connector.delete!(published.remoteId)).resolves.toBeUndefined();
  });

  it('fetches mentions as inbox items, and later only the new ones (cursor in state)', async () => {
    const { connector } = await connect();
    const published = await connector.publish!(post('post-20/mastodon', 'Winter blend is out'));
    fake.mention('ana@cafe.example', '@acme is the <b>winter</b> blend decaf? 🤔');
    clock.advance(60_000);
    fake.mention('li@other.social', '@acme Love it!\n\nOrdered two bags.', { inReplyTo: published.remoteId });
    clock.advance(60_000);
    fake.mention('sam@dm.example', '@acme where is my order?', { direct: true });

    const first = await connector.fetchInbox!(undefined);

    expect(first).toEqual([
      {
        remoteId: expect.any(String),
        kind: 'mention',
        author: '@ana@cafe.example',
        text: '@acme is the <b>winter</b> blend decaf? 🤔',
        url: expect.stringMatching(/^https:\/\/cafe\.example\/@ana\/\d+$/),
        receivedAt: START,
        inReplyToRemoteId: undefined,
      },
      expect.objectContaining({
        kind: 'reply',
        author: '@li@other.social',
        text: '@acme Love it!\n\nOrdered two bags.',
        inReplyToRemoteId: published.remoteId,
        receivedAt: new Date(START.getTime() + 60_000),
      }),
      expect.objectContaining({ kind: 'message', author: '@sam@dm.example' }),
    ]);
    const [firstRequest] = fake.requestsTo('GET', '/api/v1/notifications');
    expect(firstRequest.query.getAll('types[]')).toEqual(['mention']);

    expect(await connector.fetchInbox!(undefined)).toEqual([]);

    fake.mention('ana@cafe.example', '@acme thanks for the answer!');
    const third = await connector.fetchInbox!(undefined);
    expect(third.map((item) => item.text)).toEqual(['@acme thanks for the answer!']);

    // A burst bigger than a page (40) is read in full, oldest first.
    for (let i = 0; i < 45; i++) {
      fake.mention(`fan${i}@crowd.example`, `@acme #${i}`);
    }
    const burst = await connector.fetchInbox!(undefined);
    expect(burst.map((item) => item.text)).toEqual(Array.from({ length: 45 }, (_, i) => `@acme #${i}`));
    expect(await connector.fetchInbox!(undefined)).toEqual([]);
  });

  it('reads the profile: display name, bio, links and the pinned status', async () => {
    const { connector } = await connect();
    fake.postDirectly('Older post');
    const pinned = fake.postDirectly('Read this first: how we roast', { pinned: true });

    expect(await connector.getProfile!()).toEqual({
      displayName: 'Acme Coffee',
      bio: 'Small-batch roastery.\nWe answer every mention.',
      links: ['https://acme.example', 'https://shop.acme.example/beans'],
      pinned: `${fake.baseUrl}/@acme/${pinned.id}`,
    });
  });

  it('collects followers and the counts of statuses published through Metronome', async () => {
    const { connector } = await connect();
    const first = await connector.publish!(post('post-21/mastodon', 'First of the month'));
    clock.advance(60_000);
    const second = await connector.publish!(post('post-22/mastodon', 'Second of the month'));
    const byHand = fake.postDirectly('Posted by hand');
    fake.react(first.remoteId, { favourites: 12, reblogs: 3, replies: 2 });
    fake.react(second.remoteId, { favourites: 5 });
    fake.react(byHand.id, { favourites: 100 });

    const metrics = await connector.fetchMetrics!('2026-12-02');

    expect(metrics).toEqual({
      followers: 1200,
      engagements: { likes: 17, reposts: 3, replies: 2 },
      posts: [
        { remoteId: second.remoteId, engagements: { likes: 5, reposts: 0, replies: 0 } },
        { remoteId: first.remoteId, engagements: { likes: 12, reposts: 3, replies: 2 } },
      ],
    });
    // Posts published after the day are not part of it; a status deleted on the server drops out.
    expect((await connector.fetchMetrics!('2026-12-01')).posts).toEqual([]);
    fake.statuses.delete(second.remoteId);
    expect((await connector.fetchMetrics!('2026-12-02')).posts?.map((p) => p.remoteId)).toEqual([
      first.remoteId,
    ]);
  });
});
