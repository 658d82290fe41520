import linkedin from '../../plugins/linkedin';
import type { LinkedInOptions } from '../../plugins/linkedin/linkedin-options.schema';
import { readLittleText } from '../../plugins/linkedin/linkedin-text';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { LinkedInApiFake } from '../fakes/linkedin-api.fake';
import { connectedCredentials, lateCredentials, optionsFor } from './linkedin-fixtures';

const late = lateCredentials();

// The contract fake of LinkedIn's REST API behind the kit's fault proxy; the channel posts as a Page, connected
// through OAuth (memory credentials renewed by the plugin's own refresh against the fake's token endpoint).
describeConnectorConformance<LinkedInOptions>('linkedin connector: conformance kit (contract fake)', {
  plugin: linkedin,
  context: () => ({ credentials: late.credentials }),
  startPlatform: async () => {
    const fake = await new LinkedInApiFake().start();
    const proxy = await createFaultProxy(fake.baseUrl, {
      matches: ({ method, path }) => method === 'POST' && path === '/rest/posts',
      // LinkedIn's error body. Its daily limits send no reset header (the connector then waits for midnight UTC,
      // see linkedin.int-spec.ts); a 429 of its infrastructure protection may carry Retry-After, which the kit checks.
      rateLimitHeaders: (resetAt, now) => ({
        'retry-after': String(Math.max(0, Math.ceil((resetAt.getTime() - now.getTime()) / 1000))),
      }),
      errorBody: (status, kind) => ({
        status,
        code: kind === 'refused' ? 'FIELD_VALUE_INVALID' : `HTTP_${status}`,
        message: `injected ${kind}`,
      }),
    });
    const options = optionsFor(fake, proxy.url, { author: fake.organizationUrn });
    late.set(connectedCredentials(fake, options));
    return {
      options,
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () =>
        fake
          .posts()
          .filter((post) => post.author === fake.organizationUrn)
          .map((post) => ({ remoteId: post.id, text: readLittleText(post.commentary) })),
      addInboxItem: async ({ text }) => {
        const newest = fake
          .posts()
          .filter((post) => post.author === fake.organizationUrn)
          .at(-1);
        const post = newest ?? fake.seedPost(fake.organizationUrn, 'Our winter blend is here.');
        fake.addComment(post.id, 'urn:li:person:reader42', text);
      },
      close: async () => {
        await proxy.close();
        await fake.stop();
      },
    };
  },
});
