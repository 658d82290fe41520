import mastodon from '../../plugins/mastodon';
import type { MastodonOptions } from '../../plugins/mastodon/mastodon-options.schema';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { MastodonApiFake } from '../fakes/mastodon-api.fake';

// The contract fake of Mastodon's REST API behind the kit's fault proxy: the faults are real HTTP answers
// (429 with X-RateLimit-Reset, 401, 403, 422, 503, a hang, an answer lost after the status was created).
describeConnectorConformance<MastodonOptions>('mastodon connector: conformance kit (contract fake)', {
  plugin: mastodon,
  startPlatform: async () => {
    const fake = await new MastodonApiFake({ mediaPollsUntilReady: 0 }).start();
    const proxy = await createFaultProxy(fake.baseUrl, {
      matches: ({ method, path }) => method === 'POST' && path === '/api/v1/statuses',
    });
    return {
      options: { instance: proxy.url, accessToken: fake.token },
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () => fake.accountStatuses().map((status) => ({ remoteId: status.id, text: status.text })),
      addInboxItem: async ({ text }) => {
        fake.mention('reader@other.example', `@acme ${text}`);
      },
      close: async () => {
        await proxy.close();
        await fake.stop();
      },
    };
  },
});
