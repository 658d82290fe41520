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
  isPublishAccepted,
  type PublishRequest,
  type PublishResult,
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

/** An image post answers the published pin at once (only videos are two-step). */
async function publishImage(pins: PinterestConnector, post: PublishRequest): Promise<PublishResult> {
  const outcome = await pins.publish(post);
  if (isPublishAccepted(outcome)) {
    throw new Error(`an image pin was answered "accepted" (${outcome.handle})`);
  }
  return outcome;
}

/** lookup of an image post: the pin, or nothing. */
async function lookupImage(key: string): Promise<PublishResult | undefined> {
  const outcome = await connector().lookup(key);
  if (outcome && isPublishAccepted(outcome)) {
    throw new Error(`an image pin was looked up as "accepted" (${outcome.handle})`);
  }
  return outcome;
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
    const result = await publishImage(pins, post);
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
    expect(await publishImage(pins, post)).toEqual(result);
    expect(await pins.lookup(post.idempotencyKey)).toEqual(result);
    expect(fake.counts.pinCreates).toBe(creates);
  });

  it('publishes 2 to 5 images as a carousel, uploaded; JPEG and PNG', async () => {
    const result = await publishImage(
      connector(),
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
    const one = await publishImage(pins, request());
    const two = await publishImage(
      pins,
      request({ media: [images.image('pin.png'), images.image('pin2.png')] }),
    );
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
    const result = await publishImage(connector(), request({ extra: { board: fake.otherBoardId } }));
    expect(fake.pins().find((pin) => pin.id === result.remoteId)?.board_id).toBe(fake.otherBoardId);
    const refusal = publishImage(connector(), request({ extra: { board: '42' } }));
    await expect(refusal).rejects.toBeInstanceOf(PermanentError);
    await expect(refusal).rejects.toThrow(/board 42 .*set the option board/);
  });

  it('refuses a GIF, a video with other files, or a missing image before sending anything', async () => {
    const before = fake.requests.length;
    const gif = { path: images.image().path, root: images.root, mimeType: 'image/gif' };
    await expect(publishImage(connector(), request({ media: [gif] }))).rejects.toThrow(/JPEG or PNG/);
    const video = { path: images.image().path, root: images.root, mimeType: 'video/mp4' };
    await expect(connector().publish(request({ media: [video, images.image()] }))).rejects.toThrow(
      /video alone/,
    );
    await expect(publishImage(connector(), request({ media: [] }))).rejects.toBeInstanceOf(PermanentError);
    expect(fake.requests.length).toBe(before);
  });

  it('after a lost answer, a restarted instance finds the pin by its marker; nothing is sent twice', async () => {
    const post = request();
    fake.loseNextAnswer();
    await expect(publishImage(connector(), post)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(fake.pinsWithDescription(post.text)).toBe(1);
    const found = await lookupImage(post.idempotencyKey);
    expect(found?.remoteId).toBe(fake.pins().at(-1)!.id);
    expect(await publishImage(connector(), post)).toEqual(found);
    expect(fake.pinsWithDescription(post.text)).toBe(1);
  });

  it('lookup finds nothing when the send never arrived, and then the post is sent once', async () => {
    const post = request();
    fake.hangNext();
    await expect(publishImage(connector({ timeoutMs: 200 }), post)).rejects.toBeInstanceOf(
      OutcomeUnknownError,
    );
    expect(await lookupImage(post.idempotencyKey)).toBeUndefined();
    expect(await lookupImage('never-sent:pins')).toBeUndefined();
    await publishImage(connector(), post);
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
    await expect(publishImage(connector(), post)).rejects.toBeInstanceOf(OutcomeUnknownError);
    const lost = fake.pins().at(-1)!;
    const found = await lookupImage(post.idempotencyKey);
    expect(found?.remoteId).toBe(lost.id);

    // Two posts with the same fields, both answers lost: each lookup takes a different pin.
    const twin = (key: string) => ({ ...request(), idempotencyKey: key, text: 'Twin pin', title: 'Twin' });
    fake.loseNextAnswer();
    await expect(publishImage(connector(), twin('twin-a'))).rejects.toBeInstanceOf(OutcomeUnknownError);
    fake.loseNextAnswer();
    await expect(publishImage(connector(), twin('twin-b'))).rejects.toBeInstanceOf(OutcomeUnknownError);
    const a = await lookupImage('twin-a');
    const b = await lookupImage('twin-b');
    expect(new Set([a?.remoteId, b?.remoteId]).size).toBe(2);
    expect(fake.pinsWithDescription('Twin pin')).toBe(2);
  });

  it('a video pin: uploaded (no token to the upload URL), accepted, then created by status once processed', async () => {
    const pins = connector();
    const post = request({ media: [images.image('clip.mp4')], extra: { coverSeconds: 2 } });
    const accepted = await pins.publish(post);
    expect(accepted).toEqual({ status: 'accepted', handle: post.idempotencyKey, checkAfterMs: 10_000 });
    // Asked again (a retry, a restart): the same handle, nothing registered again.
    const registrations = fake.requests.filter((r) => r.path === '/v5/media').length;
    expect(await connector().publish(post)).toEqual(accepted);
    expect(await connector().lookup(post.idempotencyKey)).toEqual(accepted);
    expect(fake.requests.filter((r) => r.path === '/v5/media').length).toBe(registrations);

    expect(await pins.status(post.idempotencyKey)).toEqual({ status: 'finishing', checkAfterMs: 10_000 });
    const done = await connector().status(post.idempotencyKey);
    expect(done).toEqual({
      status: 'published',
      result: { remoteId: expect.stringMatching(/^\d+$/), url: expect.any(String) },
    });
    const pin = fake.pins().at(-1)!;
    expect(pin).toMatchObject({
      description: post.text,
      title: post.title,
      media_source: { source_type: 'video_id', cover_image_key_frame_time: 2 },
    });
    expect(await pins.status(post.idempotencyKey)).toEqual(done);
    expect(await pins.publish(post)).toEqual(done.status === 'published' ? done.result : undefined);
    expect(fake.pinsWithDescription(post.text)).toBe(1);
  });

  it('a video pin whose creation lost its answer is found on the board by the next status, not created twice', async () => {
    const post = request({ media: [images.image('clip.mp4')] });
    await connector().publish(post);
    fake.videoPollsUntilReady = 0;
    fake.loseNextAnswer();
    await expect(connector().status(post.idempotencyKey)).rejects.toBeInstanceOf(OutcomeUnknownError);
    const done = await connector().status(post.idempotencyKey);
    expect(done.status).toBe('published');
    expect(fake.pinsWithDescription(post.text)).toBe(1);
    fake.videoPollsUntilReady = 1;
  });

  it('a video Pinterest cannot process fails the post, in words', async () => {
    const post = request({ media: [images.image('clip.mp4')] });
    fake.failNextVideo = true;
    await connector().publish(post);
    expect(await connector().status(post.idempotencyKey)).toEqual({
      status: 'failed',
      reason: expect.stringMatching(/could not process the video/),
    });
    expect(await connector().status('unknown-key')).toMatchObject({ status: 'failed' });
  });

  it('a 429 waits past its reset; nothing was created', async () => {
    const now = Date.now();
    fake.rateLimitNext(30);
    const error = await publishImage(connector(), request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAt!.getTime()).toBeGreaterThanOrEqual(now + 31_000);
  });

  it('an expired token is refused, renewed once (continuous refresh: a new refresh token each time), then works', async () => {
    const pins = connector();
    fake.expireAccessTokens();
    await expect(publishImage(pins, request())).rejects.toBeInstanceOf(AuthenticationError);
    const before = (await credentials.current()).refreshToken;
    expect(await pins.refreshCredentials()).toBe(true);
    const after = await credentials.current();
    expect(after.refreshToken).not.toBe(before);
    expect(after.refreshExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    await publishImage(pins, request());
    // The spent refresh token is not asked again: the next renewal uses the new one.
    fake.expireAccessTokens();
    expect(await pins.refreshCredentials()).toBe(true);
  });

  it('a revoked app: refused, and the renewal refused for good (needs reconnect)', async () => {
    const pins = connector();
    fake.revoke();
    await expect(publishImage(pins, request())).rejects.toBeInstanceOf(AuthenticationError);
    await expect(pins.refreshCredentials()).rejects.toThrow(/reconnect the channel/);
    // A pasted token cannot be renewed.
    expect(await connector({ accessToken: 'pina_pasted' }).refreshCredentials()).toBe(false);
  });

  it('deletes a pin; a pin already gone is done', async () => {
    const pins = connector();
    const { remoteId } = await publishImage(pins, request());
    await pins.delete(remoteId);
    expect(fake.pins().some((pin) => pin.id === remoteId)).toBe(false);
    await pins.delete(remoteId);
    await expect(pins.delete('not-a-pin')).rejects.toBeInstanceOf(PermanentError);
  });

  it("reads followers and the day's impressions, saves, pin clicks and outbound clicks, for the account and its pins", async () => {
    const pins = connector();
    const { remoteId } = await publishImage(pins, request());
    const gone = await publishImage(pins, request());
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
    expect(await publishImage(sandbox, request())).toMatchObject({ remoteId: '987654321' });
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
    await expect(publishImage(odd, request())).rejects.toBeInstanceOf(OutcomeUnknownError);
  });
});
