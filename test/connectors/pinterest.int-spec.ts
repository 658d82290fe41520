import { basename } from 'node:path';
import type { PinterestOptions } from '../../plugins/pinterest/pinterest-options.schema';
import { PinterestConnector } from '../../plugins/pinterest/pinterest.connector';
import {
  AuthenticationError,
  OutcomeUnknownError,
  PermanentError,
  RateLimitedError,
  type PluginContext,
  type PluginHttpResponse,
  type PluginStateStore,
  type PublishRequest,
} from '../../src/plugin-sdk';
import {
  createMemoryStateStore,
  createTestPluginContext,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import { PinterestApiFake } from '../fakes/pinterest-api.fake';
import { connectedCredentials, imageFolder, optionsFor } from './pinterest-fixtures';

const images = imageFolder();
let fake: PinterestApiFake;
let options: PinterestOptions;
let credentials: MemoryCredentials;
let state: PluginStateStore;
let n = 0;

function connector(
  extra: Partial<PinterestOptions> = {},
  context: Partial<PluginContext> = {},
): PinterestConnector {
  return new PinterestConnector(
    {
      ...createTestPluginContext({ plugin: 'pinterest', scope: 'acme/pins', state, credentials }),
      ...context,
    },
    { ...options, ...extra },
  );
}

function request(fields: Partial<PublishRequest> = {}): PublishRequest {
  n += 1;
  return {
    idempotencyKey: `post-${n}:pins`,
    text: `Pin ${n}: the winter blend. https://acme.example/winter-${n}`,
    title: `Winter blend ${n}`,
    media: [images.image('pin.png', 'A cup of coffee')],
    scheduledAt: new Date(),
    extra: {},
    ...fields,
  };
}

beforeAll(async () => {
  fake = await new PinterestApiFake().start();
});

beforeEach(() => {
  options = optionsFor(fake);
  credentials = connectedCredentials(fake, options);
  state = createMemoryStateStore();
});

afterAll(async () => {
  await fake.stop();
  images.dispose();
  // Every request of the suite matched Pinterest's API description.
  expect(fake.specProblems).toEqual([]);
});

describe('pinterest connector against the contract fake', () => {
  it('publishes an image pin with title, description, link, alt text, board and section; again is the same pin', async () => {
    const pins = connector({ boardSection: fake.sectionId });
    const post = request();
    const result = await pins.publish(post);
    expect(result).toEqual({
      remoteId: expect.stringMatching(/^\d+$/),
      url: `https://www.pinterest.com/pin/${result.remoteId}/`,
    });
    expect(fake.pins().at(-1)).toMatchObject({
      id: result.remoteId,
      board_id: fake.boardId,
      board_section_id: fake.sectionId,
      title: post.title,
      description: post.text,
      link: `https://acme.example/winter-${n}`,
      alt_text: 'A cup of coffee',
      media_source: { source_type: 'image_base64', content_type: 'image/png' },
    });
    const creates = fake.counts.pinCreates;
    expect(await pins.publish(post)).toEqual(result);
    expect(await pins.lookup(post.idempotencyKey)).toEqual(result);
    expect(fake.counts.pinCreates).toBe(creates);
  });

  it('publishes 2 to 5 images as a carousel, uploaded; JPEG and PNG', async () => {
    const result = await connector().publish(
      request({ media: [images.image('pin.png'), images.image('pin.jpg'), images.image('pin3.png')] }),
    );
    const pin = fake.pins().find((candidate) => candidate.id === result.remoteId)!;
    expect(pin.media_source).toMatchObject({ source_type: 'multiple_image_base64' });
    expect(
      (pin.media_source.items as Array<{ content_type: string }>).map((item) => item.content_type),
    ).toEqual(['image/png', 'image/jpeg', 'image/png']);
    expect(pin.alt_text).toBeUndefined();
  });

  it('with images: url, Pinterest fetches the images from the media links', async () => {
    const media = {
      publicUrl: (item: { path: string }) => `https://metronome.example/media/${basename(item.path)}`,
    };
    const pins = connector({ images: 'url' }, { media });
    const one = await pins.publish(request());
    const two = await pins.publish(request({ media: [images.image('pin.png'), images.image('pin2.png')] }));
    const byId = (id: string) => fake.pins().find((pin) => pin.id === id)!.media_source;
    expect(byId(one.remoteId)).toEqual({
      source_type: 'image_url',
      url: 'https://metronome.example/media/pin.png',
    });
    expect(byId(two.remoteId)).toEqual({
      source_type: 'multiple_image_urls',
      items: [
        { url: 'https://metronome.example/media/pin.png' },
        { url: 'https://metronome.example/media/pin2.png' },
      ],
    });
  });

  it('extra.board sends to another board; an unknown board is refused with the fix', async () => {
    const result = await connector().publish(request({ extra: { board: fake.otherBoardId } }));
    expect(fake.pins().find((pin) => pin.id === result.remoteId)?.board_id).toBe(fake.otherBoardId);
    const refusal = connector().publish(request({ extra: { board: '42' } }));
    await expect(refusal).rejects.toBeInstanceOf(PermanentError);
    await expect(refusal).rejects.toThrow(/board 42 .*set the option board/);
  });

  it('refuses a video or a missing image before sending anything', async () => {
    const before = fake.requests.length;
    const video = { path: images.image().path, root: images.root, mimeType: 'video/mp4' };
    await expect(connector().publish(request({ media: [video] }))).rejects.toThrow(/JPEG or PNG/);
    await expect(connector().publish(request({ media: [] }))).rejects.toBeInstanceOf(PermanentError);
    expect(fake.requests.length).toBe(before);
  });

  it('after a lost answer, a restarted instance finds the pin by its marker; nothing is sent twice', async () => {
    const post = request();
    fake.loseNextAnswer();
    await expect(connector().publish(post)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(fake.pinsWithDescription(post.text)).toBe(1);
    const found = await connector().lookup(post.idempotencyKey);
    expect(found?.remoteId).toBe(fake.pins().at(-1)!.id);
    expect(await connector().publish(post)).toEqual(found);
    expect(fake.pinsWithDescription(post.text)).toBe(1);
  });

  it('lookup finds nothing when the send never arrived, and then the post is sent once', async () => {
    const post = request();
    fake.hangNext();
    await expect(connector({ timeoutMs: 200 }).publish(post)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(await connector().lookup(post.idempotencyKey)).toBeUndefined();
    expect(await connector().lookup('never-sent:pins')).toBeUndefined();
    await connector().publish(post);
    expect(fake.pinsWithDescription(post.text)).toBe(1);
  });

  it("lookup ignores a look-alike pin older than the attempt, and one another post's key holds", async () => {
    const post = request();
    // A pin with the same text made earlier (by hand, a minute and more before): not this attempt's.
    fake.seedPin({
      title: post.title,
      description: post.text,
      link: `https://acme.example/winter-${n}`,
      alt_text: 'A cup of coffee',
      created_at: new Date(Date.now() - 5 * 60_000).toISOString().slice(0, 19),
    });
    fake.loseNextAnswer();
    await expect(connector().publish(post)).rejects.toBeInstanceOf(OutcomeUnknownError);
    const lost = fake.pins().at(-1)!;
    const found = await connector().lookup(post.idempotencyKey);
    expect(found?.remoteId).toBe(lost.id);

    // Two posts with the same fields, both answers lost: each lookup takes a different pin.
    const twin = (key: string) => ({ ...request(), idempotencyKey: key, text: 'Twin pin', title: 'Twin' });
    fake.loseNextAnswer();
    await expect(connector().publish(twin('twin-a'))).rejects.toBeInstanceOf(OutcomeUnknownError);
    fake.loseNextAnswer();
    await expect(connector().publish(twin('twin-b'))).rejects.toBeInstanceOf(OutcomeUnknownError);
    const a = await connector().lookup('twin-a');
    const b = await connector().lookup('twin-b');
    expect(new Set([a?.remoteId, b?.remoteId]).size).toBe(2);
    expect(fake.pinsWithDescription('Twin pin')).toBe(2);
  });

  it('a 429 waits past its reset; nothing was created', async () => {
    const now = Date.now();
    fake.rateLimitNext(30);
    const error = await connector()
      .publish(request())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt!.getTime()).toBeGreaterThanOrEqual(now + 31_000);
  });

  it('an expired token is refused, renewed once (continuous refresh: a new refresh token each time), then works', async () => {
    const pins = connector();
    fake.expireAccessTokens();
    await expect(pins.publish(request())).rejects.toBeInstanceOf(AuthenticationError);
    const before = (await credentials.current()).refreshToken;
    expect(await pins.refreshCredentials()).toBe(true);
    const after = await credentials.current();
    expect(after.refreshToken).not.toBe(before);
    expect(after.refreshExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    await pins.publish(request());
    // The spent refresh token is not asked again: the next renewal uses the new one.
    fake.expireAccessTokens();
    expect(await pins.refreshCredentials()).toBe(true);
  });

  it('a revoked app: refused, and the renewal refused for good (needs reconnect)', async () => {
    const pins = connector();
    fake.revoke();
    await expect(pins.publish(request())).rejects.toBeInstanceOf(AuthenticationError);
    await expect(pins.refreshCredentials()).rejects.toThrow(/reconnect the channel/);
    // A pasted token cannot be renewed.
    expect(await connector({ accessToken: 'pina_pasted' }).refreshCredentials()).toBe(false);
  });

  it('deletes a pin; a pin already gone is done', async () => {
    const pins = connector();
    const { remoteId } = await pins.publish(request());
    await pins.delete(remoteId);
    expect(fake.pins().some((pin) => pin.id === remoteId)).toBe(false);
    await pins.delete(remoteId);
    await expect(pins.delete('not-a-pin')).rejects.toBeInstanceOf(PermanentError);
  });

  it("reads followers and the day's impressions, saves, pin clicks and outbound clicks, for the account and its pins", async () => {
    const pins = connector();
    const { remoteId } = await pins.publish(request());
    const gone = await pins.publish(request());
    await pins.delete(gone.remoteId);
    fake.accountMetrics.set('2026-12-06', { IMPRESSION: 240, SAVE: 20, PIN_CLICK: 37, OUTBOUND_CLICK: 12 });
    fake.pinMetrics.set(
      remoteId,
      new Map([['2026-12-06', { IMPRESSION: 50, SAVE: 3, PIN_CLICK: 4, OUTBOUND_CLICK: 1 }]]),
    );
    expect(await pins.fetchMetrics('2026-12-06')).toEqual({
      followers: 812,
      impressions: 240,
      clicks: 12,
      engagements: { saves: 20, pinClicks: 37 },
      posts: [{ remoteId, impressions: 50, clicks: 1, engagements: { saves: 3, pinClicks: 4 } }],
    });
    // A day Pinterest has not finished (PROCESSING): unknown, not 0.
    expect(await pins.fetchMetrics('2026-12-07')).toEqual({ followers: 812 });
  });

  it('in the sandbox, only followers (analytics are not served there)', async () => {
    const before = fake.requests.length;
    expect(await connector({ sandbox: true }).fetchMetrics('2026-12-06')).toEqual({ followers: 812 });
    expect(fake.requests.slice(before).map((r) => r.path)).toEqual(['/v5/user_account']);
  });

  it('reads the profile', async () => {
    expect(await connector().getProfile()).toEqual({
      displayName: 'Acme Roasters',
      bio: 'Coffee roasted in small batches.',
      links: ['https://acme.example'],
    });
  });

  it('sandbox: true writes to api-sandbox.pinterest.com', async () => {
    const urls: string[] = [];
    const http = {
      request: async (url: string): Promise<PluginHttpResponse> => {
        urls.push(url);
        const text = JSON.stringify({ id: '987654321', created_at: '2026-12-07T10:00:00' });
        return {
          status: 201,
          headers: {},
          text: async () => text,
          json: async <T>() => JSON.parse(text) as T,
          bytes: async () => new Uint8Array(),
        };
      },
    };
    const { apiUrl: _apiUrl, ...withoutApiUrl } = options;
    const sandbox = new PinterestConnector(createTestPluginContext({ plugin: 'pinterest', state, http }), {
      ...withoutApiUrl,
      sandbox: true,
      accessToken: 'pina_sandbox',
    });
    expect(await sandbox.publish(request())).toMatchObject({ remoteId: '987654321' });
    expect(urls).toEqual(['https://api-sandbox.pinterest.com/v5/pins']);
  });

  it('an answer that is not a pin is not trusted: a create becomes an unknown outcome (looked up, not resent)', async () => {
    const http = {
      request: async (): Promise<PluginHttpResponse> => {
        const text = JSON.stringify({ id: '' });
        return {
          status: 201,
          headers: {},
          text: async () => text,
          json: async <T>() => JSON.parse(text) as T,
          bytes: async () => new Uint8Array(),
        };
      },
    };
    const odd = new PinterestConnector(createTestPluginContext({ plugin: 'pinterest', state, http }), {
      ...options,
      accessToken: 'pina_x',
    });
    await expect(odd.publish(request())).rejects.toBeInstanceOf(OutcomeUnknownError);
  });
});
