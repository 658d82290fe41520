import httpPost from '../../plugins/http-post';
import type { HttpPostOptions } from '../../plugins/http-post/http-post-options.schema';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { HttpPostEndpointFake } from '../fakes/http-post-endpoint.fake';

// The worked example of docs/plugins.md passes the kit against its contract fake, behind the kit's fault proxy.
describeConnectorConformance<HttpPostOptions>('http-post connector: conformance kit (contract fake)', {
  plugin: httpPost,
  startPlatform: async () => {
    const fake = await new HttpPostEndpointFake('kit-token').start();
    const proxy = await createFaultProxy(fake.baseUrl);
    return {
      options: { endpoint: proxy.url, token: 'kit-token', timeoutMs: 1_000 },
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () => fake.posts().map((post) => ({ remoteId: post.id, text: post.text })),
      close: async () => {
        await proxy.close();
        await fake.stop();
      },
    };
  },
});
