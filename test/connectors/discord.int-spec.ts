import discord from '../../plugins/discord-connector';
import type { DiscordConnectorOptions } from '../../plugins/discord-connector/discord-options.schema';
import { AuthenticationError, type Connector, type PublishRequest } from '../../src/plugin-sdk';
import { createTestPluginContext, type TestPluginContext } from '../../src/plugin-sdk/testing';
import { DiscordApiFake } from '../fakes/discord-api.fake';
import { botOptions } from './discord-fixtures';
import { drivePublish } from './linkedin-driver';

function request(key: string, text: string, extra: Partial<PublishRequest> = {}): PublishRequest {
  return { idempotencyKey: key, text, media: [], scheduledAt: new Date(), extra: {}, ...extra };
}

describe('discord connector against the contract fake', () => {
  let fake: DiscordApiFake;
  let context: TestPluginContext;
  const connector = (options: DiscordConnectorOptions = botOptions(fake)): Connector =>
    discord.create(context, options) as Connector;

  beforeEach(async () => {
    fake = await new DiscordApiFake().start();
    context = createTestPluginContext({ plugin: 'discord', scope: 'acme/discord' });
  });

  afterEach(async () => {
    await fake.stop();
    expect(fake.problems).toEqual([]);
  });

  it('publishes a message in bot mode with a nonce, enforce_nonce and no mentions', async () => {
    const result = await connector().publish!(request('p1:c1', 'Hello @everyone, the winter blend is here.'));
    expect(result).toMatchObject({
      remoteId: fake.posts()[0].id,
      url: `https://discord.com/channels/${fake.guild.id}/${fake.channelId}/${fake.posts()[0].id}`,
    });
    expect(fake.payloads[0]).toMatchObject({
      content: 'Hello @everyone, the winter blend is here.',
      allowed_mentions: { parse: [] },
      enforce_nonce: true,
    });
    expect(String(fake.payloads[0].nonce)).toMatch(/^[0-9a-f]{25}$/);
  });
});

describe('discord connector: exactly once through faults (driven as the core drives it, counted on the fake)', () => {
  it('publishes each post once through lost answers, hangs, 500, 503 and 429; a revoked token sends nothing', async () => {
    const fake = await new DiscordApiFake({ createLimit: 1_000 }).start();
    const context = createTestPluginContext({ plugin: 'discord', scope: 'acme/discord' });
    const options = botOptions(fake, fake.baseUrl, { timeoutMs: 500 });
    const fresh = () => discord.create(context, options) as Connector;
    try {
      fake.loseNextAnswer();
      fake.hangNext();
      fake.failNext({ status: 500, body: { message: '500: Internal Server Error', code: 0 } });
      fake.loseNextAnswer();
      fake.failNext({ status: 503, body: { message: 'upstream connect error', code: 0 } });
      fake.failNext({
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: 0.25, global: false },
        headers: { 'retry-after': '1' },
      });
      for (let i = 0; i < 8; i++) {
        await drivePublish(fresh, request(`post-${i}:discord`, `Discord post ${i} (exactly once).`));
      }
      expect(
        Array.from({ length: 8 }, (_, i) => fake.postsWithContent(`Discord post ${i} (exactly once).`)),
      ).toEqual(Array(8).fill(1));
      expect(fake.pendingFaults()).toBe(0);
      fake.revokeToken();
      await expect(fresh().publish!(request('post-x:discord', 'Never sent.'))).rejects.toBeInstanceOf(
        AuthenticationError,
      );
      expect(fake.postsWithContent('Never sent.')).toBe(0);
      expect(fake.problems).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});
