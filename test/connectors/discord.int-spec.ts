import discord from '../../plugins/discord-connector';
import type { DiscordConnectorOptions } from '../../plugins/discord-connector/discord-options.schema';
import type { Connector, PublishRequest } from '../../src/plugin-sdk';
import { createTestPluginContext, type TestPluginContext } from '../../src/plugin-sdk/testing';
import { DiscordApiFake } from '../fakes/discord-api.fake';
import { botOptions } from './discord-fixtures';

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
