import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import telegram from '../../plugins/telegram';
import type { TelegramOptions } from '../../plugins/telegram/telegram-options.schema';
import {
  OutcomeUnknownError,
  PermanentError,
  type Connector,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import { createTestPluginContext, type TestPluginContext } from '../../src/plugin-sdk/testing';
import { TelegramBotApiFake } from '../fakes/telegram-bot-api.fake';

/** A PNG header (signature and IHDR) of the given size: what readImageHeader reads. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'ascii');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.writeUInt8(8, 16);
  ihdr.writeUInt8(6, 17);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ihdr,
    Buffer.alloc(64),
  ]);
}

describe('telegram connector against the Bot API fake', () => {
  let fake: TelegramBotApiFake;
  let media: string;
  let context: TestPluginContext;
  let connector: Connector;
  let key = 0;
  const publish = async (r: PublishRequest) => (await connector.publish!(r)) as PublishResult;

  const options = (extra: Partial<TelegramOptions> = {}): TelegramOptions => ({
    botToken: fake.token,
    chat: `@${fake.channel.username}`,
    apiUrl: fake.baseUrl,
    unknownOutcome: 'ask',
    pace: false,
    lookupGraceMs: 0,
    timeoutMs: 1_000,
    ...extra,
  });
  const request = (text: string, more: Partial<PublishRequest> = {}): PublishRequest => ({
    idempotencyKey: `post-${++key}`,
    text,
    media: [],
    scheduledAt: new Date(),
    extra: {},
    ...more,
  });
  const file = (name: string, bytes: Buffer, mimeType: string) => {
    writeFileSync(join(media, name), bytes);
    return { path: join(media, name), root: media, mimeType };
  };
  const start = async (fakeOptions: ConstructorParameters<typeof TelegramBotApiFake>[0] = {}, extra = {}) => {
    fake = await new TelegramBotApiFake(fakeOptions).start();
    context = createTestPluginContext({ plugin: 'telegram', scope: 'acme/tg' });
    connector = await telegram.create(context, options(extra));
  };

  beforeAll(() => {
    media = mkdtempSync(join(tmpdir(), 'telegram-media-'));
  });
  afterAll(() => rmSync(media, { recursive: true, force: true }));
  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    await fake.stop();
  });

  it('publishes a text with its link preview settings, silently and protected, and answers its t.me link', async () => {
    await start();
    const result = await publish(
      request('Launch day https://acme.example #launch', {
        extra: { silent: true, protect: true, linkPreview: false },
      }),
    );
    const [message] = fake.posts();
    expect(result).toMatchObject({
      remoteId: `${fake.channel.id}:${message.message_id}`,
      url: `https://t.me/${fake.channel.username}/${message.message_id}`,
    });
    expect(message.text).toBe('Launch day https://acme.example #launch');
    expect(message.sent).toEqual({ silent: true, protect: true, linkPreview: { is_disabled: true } });
  });

  it('uploads a photo (sendPhoto, multipart) and a video (sendVideo) with their captions', async () => {
    await start();
    await publish(request('A cup.', { media: [file('cup.png', png(800, 600), 'image/png')] }));
    await publish(request('A clip.', { media: [file('clip.mp4', Buffer.from('mp4 bytes'), 'video/mp4')] }));
    expect(fake.requests.filter((r) => r.method.startsWith('send')).map((r) => [r.method, r.files])).toEqual([
      ['sendPhoto', ['file0']],
      ['sendVideo', ['file0']],
    ]);
    expect(fake.posts().map((m) => [m.caption, Boolean(m.photo), Boolean(m.video)])).toEqual([
      ['A cup.', true, false],
      ['A clip.', false, true],
    ]);
  });

  it('sends an album (sendMediaGroup) with the caption on the first item, and deletes all of it', async () => {
    await start();
    const result = await publish(
      request('Three views.', {
        media: [
          file('a.png', png(400, 400), 'image/png'),
          file('b.jpg', Buffer.from('jpeg'), 'image/jpeg'),
          file('c.mp4', Buffer.from('mp4'), 'video/mp4'),
        ],
        extra: { silent: true },
      }),
    );
    const album = fake.posts();
    expect(album.map((m) => m.caption)).toEqual(['Three views.', undefined, undefined]);
    expect(album.every((m) => m.media_group_id === album[0].media_group_id && m.sent?.silent)).toBe(true);
    expect(result.remoteId).toBe(`${fake.channel.id}:${album[0].message_id}`);
    await connector.delete!(result.remoteId);
    expect(fake.posts()).toEqual([]);
    expect(fake.requests.at(-1)?.method).toBe('deleteMessages');
    await expect(connector.delete!(result.remoteId)).resolves.toBeUndefined();
  });

  it('refuses before sending: a caption over 1,024, a photo whose width + height pass 10,000', async () => {
    await start();
    await expect(
      publish(request('x'.repeat(1025), { media: [file('d.png', png(10, 10), 'image/png')] })),
    ).rejects.toThrow(/caption .* at most 1024/);
    await expect(
      publish(request('Wide.', { media: [file('wide.png', png(9000, 1200), 'image/png')] })),
    ).rejects.toThrow(/add up to at most 10000/);
    expect(fake.counts.sends).toBe(0);
  });

  it('reads comments from the discussion group (getUpdates with an offset) and answers one with reply_parameters', async () => {
    await start();
    const post = await publish(request('Comments welcome.'));
    const channelMessageId = Number(post.remoteId.split(':')[1]);
    fake.addComment('Nice!', channelMessageId, 'reader42');
    const items = await connector.fetchInbox!(undefined);
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'comment',
        author: '@reader42',
        text: 'Nice!',
        inReplyToRemoteId: post.remoteId,
        byOwner: false,
      }),
    ]);
    // Confirmed updates are not read twice; the stored item stays for a later `since`.
    expect(await connector.fetchInbox!(items[0].receivedAt)).toEqual([]);
    const reply = await connector.reply!(items[0], { idempotencyKey: 'reply-1', text: 'Thank you!' });
    const answer = fake.groupPosts().at(-1)!;
    expect(answer.text).toBe('Thank you!');
    expect(answer.sent?.replyTo).toBe(Number(items[0].remoteId.split(':')[1]));
    expect(reply.remoteId).toBe(`${fake.group.id}:${answer.message_id}`);
    expect(await connector.lookup!('reply-1')).toEqual(reply);
  });

  it('answers the subscriber count as followers', async () => {
    await start();
    expect(await connector.fetchMetrics!('2026-12-01')).toEqual({ followers: 4321 });
  });

  it('with a webhook set (getUpdates refused, 409): an empty inbox with a warning', async () => {
    await start();
    fake.webhookSet = true;
    expect(await connector.fetchInbox!(undefined)).toEqual([]);
    expect(context.logs.some((line) => /webhook/.test(line.message))).toBe(true);
  });

  it('finds a post whose answer was lost by the discussion group’s copy; without a group, asks a person', async () => {
    await start();
    fake.loseNextAnswer();
    const lost = request('Lost answer.');
    await expect(publish(lost)).rejects.toBeInstanceOf(OutcomeUnknownError);
    const found = (await connector.lookup!(lost.idempotencyKey)) as PublishResult | undefined;
    expect(found?.remoteId).toBe(`${fake.channel.id}:${fake.posts()[0].message_id}`);
    expect(await publish(lost)).toEqual(found);
    expect(fake.postsWithText('Lost answer.')).toBe(1);
    await fake.stop();

    await start({ discussionGroup: false });
    fake.loseNextAnswer();
    const blind = request('No group.');
    await expect(publish(blind)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(await connector.lookup!(blind.idempotencyKey)).toBeUndefined();
    await expect(publish(blind)).rejects.toThrow(PermanentError);
    await expect(publish(blind)).rejects.toThrow(/check the chat/);
    expect(fake.postsWithText('No group.')).toBe(1);
  });

  it('a send refused by Telegram clears its marker: the retry after the wait sends', async () => {
    await start();
    fake.failNext(429, {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    });
    const post = request('After the wait.');
    await expect(publish(post)).rejects.toThrow(/retry after 3/);
    await expect(publish(post)).resolves.toMatchObject({ remoteId: expect.any(String) });
    expect(fake.postsWithText('After the wait.')).toBe(1);
  });
});
