import telegram from '../../plugins/telegram';
import type { TelegramOptions } from '../../plugins/telegram/telegram-options.schema';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { TelegramBotApiFake } from '../fakes/telegram-bot-api.fake';

/** The Bot API's error answer for an injected fault (Telegram sends no rate-limit headers: retry_after is in the body). */
function errorBody(status: number, kind: string): unknown {
  const descriptions: Record<string, string> = {
    'rate-limited': 'Too Many Requests: retry after 91',
    unauthorized: 'Unauthorized',
    forbidden: 'Forbidden: bot was kicked from the channel chat',
    refused: 'Bad Request: message text is empty',
    'server-error': 'Service Unavailable',
  };
  return {
    ok: false,
    error_code: status,
    description: descriptions[kind] ?? `injected ${kind}`,
    // The kit's reset is 90.5 s ahead; Telegram rounds retry_after to whole seconds (up, here).
    ...(kind === 'rate-limited' ? { parameters: { retry_after: 91 } } : {}),
  };
}

// The contract fake of the Bot API behind the kit's fault proxy; the channel has a discussion group the bot reads
// as an admin, so a lost answer is found by the group's automatic copy of the post.
describeConnectorConformance<TelegramOptions>('telegram connector: conformance kit (contract fake)', {
  plugin: telegram,
  startPlatform: async () => {
    const fake = await new TelegramBotApiFake().start();
    const proxy = await createFaultProxy(fake.baseUrl, {
      matches: ({ path }) => /\/send[A-Za-z]+$/.test(path),
      rateLimitHeaders: () => ({}),
      errorBody,
    });
    const options: TelegramOptions = {
      botToken: fake.token,
      chat: `@${fake.channel.username}`,
      apiUrl: proxy.url,
      unknownOutcome: 'ask',
      // The kit publishes back to back; pacing is tested in telegram.int-spec.ts.
      pace: false,
      lookupGraceMs: 0,
      timeoutMs: 2_000,
    };
    return {
      options,
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () =>
        fake.posts().map((message) => ({
          remoteId: `${message.chat.id}:${message.message_id}`,
          text: message.text ?? message.caption ?? '',
        })),
      addInboxItem: async ({ text, author }) => {
        fake.addComment(text, fake.posts().at(-1)?.message_id, author?.replace(/\W/g, '_'));
      },
      close: async () => {
        expect(fake.violations).toEqual([]);
        await proxy.close();
        await fake.stop();
      },
    };
  },
});
