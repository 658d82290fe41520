import x from '../../plugins/x';
import type { XOptions } from '../../plugins/x/x-options.schema';
import { unescapeXText } from '../../plugins/x/x-text';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { XApiFake } from '../fakes/x-api.fake';
import { connectedCredentials, lateCredentials, optionsFor } from './x-fixtures';

const late = lateCredentials();

// The contract fake of X API v2 (every request checked against X's OpenAPI description) behind the kit's fault
// proxy; the channel is connected through OAuth (memory credentials renewed by the plugin's own refresh).
describeConnectorConformance<XOptions>('x connector: conformance kit (contract fake)', {
  plugin: x,
  context: () => ({ credentials: late.credentials }),
  startPlatform: async () => {
    const platform = await new XApiFake().start();
    const proxy = await createFaultProxy(platform.baseUrl, {
      matches: ({ method, path }) => method === 'POST' && path === '/2/tweets',
      // X's 429: x-rate-limit-reset in epoch seconds, rounded down.
      rateLimitHeaders: (resetAt) => ({
        'x-rate-limit-limit': '200',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(Math.floor(resetAt.getTime() / 1000)),
      }),
      errorBody: (status, kind) => ({
        title: kind === 'refused' ? 'Invalid Request' : `HTTP ${status}`,
        detail: `injected ${kind}`,
        type: kind === 'refused' ? 'https://api.x.com/2/problems/invalid-request' : 'about:blank',
        status,
      }),
    });
    const options = optionsFor(platform, proxy.url);
    late.set(connectedCredentials(platform, options));
    return {
      options,
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () =>
        platform.posts().map((post) => ({ remoteId: post.id, text: unescapeXText(post.text) })),
      addInboxItem: async ({ text }) => {
        platform.mention(text);
      },
      close: async () => {
        expect(platform.contractViolations).toEqual([]);
        await proxy.close();
        await platform.stop();
      },
    };
  },
});
