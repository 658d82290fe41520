import threads from '../../plugins/threads';
import type { ThreadsOptions } from '../../plugins/threads/threads-options.schema';
import {
  createFaultProxy,
  createMemoryCredentials,
  describeConnectorConformance,
} from '../../src/plugin-sdk/testing';
import { ThreadsApiFake } from '../fakes/threads-api.fake';

/** Graph's error codes for the statuses the kit injects (https://developers.facebook.com/docs/graph-api/guides/error-handling). */
const GRAPH_CODES: Record<number, number> = { 400: 100, 401: 190, 403: 10, 429: 4, 500: 1, 502: 2, 503: 2 };

let fake: ThreadsApiFake | undefined;

// The Threads contract fake behind the kit's fault proxy. The faults land on threads_publish, the request that
// makes the post (a lost answer there leaves a PUBLISHED container the connector must find, not publish again).
// Credentials are OAuth tokens in memory, renewed through the plugin's own refresh against the fake.
describeConnectorConformance<ThreadsOptions>('threads connector: conformance kit (contract fake)', {
  plugin: threads,
  context: async () => {
    fake = await new ThreadsApiFake().start();
    const tokens = { ...fake.issueLongLivedToken(), account: { userId: fake.userId } };
    return { credentials: createMemoryCredentials(tokens) };
  },
  startPlatform: async () => {
    const platform = fake!;
    const proxy = await createFaultProxy(platform.baseUrl, {
      matches: ({ method, path }) => method === 'POST' && path.endsWith('/threads_publish'),
      errorBody: (status, kind) => ({
        error: {
          message: `conformance kit: injected ${kind}`,
          type: 'OAuthException',
          code: GRAPH_CODES[status] ?? status,
          fbtrace_id: 'kit',
        },
      }),
    });
    let target: string | undefined;
    return {
      options: {
        apiBaseUrl: proxy.url,
        authorizationUrl: `${platform.baseUrl}/oauth/authorize`,
        clientId: platform.clientId,
        clientSecret: platform.clientSecret,
        timeoutMs: 15_000,
        inboxLookbackDays: 7,
      },
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () => platform.posts().map((media) => ({ remoteId: media.id, text: media.text })),
      addInboxItem: async ({ text, author }) => {
        target ??= platform.seedPost('Our winter blend is back.').id;
        platform.replyFromOther(target, author ?? 'reader', text);
      },
      close: async () => {
        await proxy.close();
        await platform.stop();
      },
    };
  },
  skip: {
    delete:
      'the connector declares no delete (Threads deletion needs the separate threads_delete permission)',
  },
});
