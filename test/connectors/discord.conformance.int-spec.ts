import discord from '../../plugins/discord-connector';
import type { DiscordConnectorOptions } from '../../plugins/discord-connector/discord-options.schema';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { DiscordApiFake } from '../fakes/discord-api.fake';
import { botOptions, discordErrorBody, discordRateLimitHeaders, webhookOptions } from './discord-fixtures';

const TOKEN_OF_PROXY_ANSWERS = {
  matches: ({ method, path }: { method: string; path: string }) =>
    method === 'POST' &&
    (/\/channels\/\d+\/messages$/.test(path) || /\/webhooks\/\d+\/[^/]+$/.test(path.split('?')[0])),
  rateLimitHeaders: discordRateLimitHeaders,
  errorBody: discordErrorBody,
};

// The contract fake of Discord's API (every request checked against the OpenAPI description) behind the kit's
// fault proxy, in bot mode: the kit's 403 is a plain "403: Forbidden" (needs a person), while Discord's permission
// refusals (50001/50013) fail the post with the fix (discord.int-spec.ts).
describeConnectorConformance<DiscordConnectorOptions>(
  'discord connector (bot): conformance kit (contract fake)',
  {
    plugin: discord,
    startPlatform: async () => {
      const fake = await new DiscordApiFake({ createLimit: 1_000 }).start();
      const proxy = await createFaultProxy(fake.baseUrl, TOKEN_OF_PROXY_ANSWERS);
      return {
        options: botOptions(fake, proxy.url),
        injectFault: (fault) => proxy.injectFault(fault),
        posts: async () => fake.posts().map((message) => ({ remoteId: message.id, text: message.content })),
        addInboxItem: async ({ text, author }) => {
          fake.mention(text, author);
        },
        close: async () => {
          await proxy.close();
          await fake.stop();
          expect(fake.problems).toEqual([]);
        },
      };
    },
  },
);

// Webhook mode: no nonce and no way to list messages, so a lost answer cannot be found (documented in the README).
describeConnectorConformance<DiscordConnectorOptions>(
  'discord connector (webhook): conformance kit (contract fake)',
  {
    plugin: discord,
    skip: {
      'lookup-after-lost-answer':
        'a Discord webhook cannot list messages and takes no nonce: after a lost answer the message cannot be found (README: exactly once, webhook mode)',
    },
    startPlatform: async () => {
      const fake = await new DiscordApiFake({ createLimit: 1_000 }).start();
      const proxy = await createFaultProxy(fake.baseUrl, TOKEN_OF_PROXY_ANSWERS);
      return {
        options: webhookOptions(fake, proxy.url),
        injectFault: (fault) => proxy.injectFault(fault),
        posts: async () => fake.posts().map((message) => ({ remoteId: message.id, text: message.content })),
        close: async () => {
          await proxy.close();
          await fake.stop();
          expect(fake.problems).toEqual([]);
        },
      };
    },
  },
);
