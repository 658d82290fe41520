import facebook from '../../plugins/facebook';
import type { FacebookOptions } from '../../plugins/facebook/facebook-options.schema';
import {
  createFaultProxy,
  createMemoryCredentials,
  describeConnectorConformance,
  type ConformanceFaultKind,
} from '../../src/plugin-sdk/testing';
import { FacebookGraphFake } from '../fakes/facebook-graph.fake';

/** Graph's error body for each fault the kit injects (https://developers.facebook.com/docs/graph-api/guides/error-handling/). */
const GRAPH_CODES: Record<number, { code: number; type: string; message: string }> = {
  400: { code: 100, type: 'OAuthException', message: '(#100) Invalid parameter' },
  401: { code: 190, type: 'OAuthException', message: 'Error validating access token: Session has expired' },
  403: { code: 200, type: 'OAuthException', message: '(#200) Requires pages_manage_posts permission' },
  429: {
    code: 80001,
    type: 'OAuthException',
    message: 'There have been too many calls to this Page account.',
  },
};

const fake = new FacebookGraphFake({ fetchPhotos: false });
/** Minted before the kit asks for its context (the fake's token table lives without the server). */
const pageToken = fake.issuePageToken();

// The Graph contract fake behind the kit's fault proxy, with Graph's error bodies and its usage header on a
// throttle (estimated_time_to_regain_access in whole minutes, so rounded: the connector must never retry early).
describeConnectorConformance<FacebookOptions>('facebook connector: conformance kit (Graph contract fake)', {
  plugin: facebook,
  context: () => ({
    credentials: createMemoryCredentials({ accessToken: pageToken, account: { pageId: fake.page.id } }),
  }),
  startPlatform: async () => {
    await fake.start();
    const seed = fake.postDirectly('Welcome to the Acme Coffee Page.');
    const proxy = await createFaultProxy(fake.baseUrl, {
      matches: ({ method, path }) => method === 'POST' && /\/(feed|photos|comments)$/.test(path),
      errorBody: (status: number, kind: ConformanceFaultKind) => ({
        error: {
          ...(GRAPH_CODES[status] ?? {
            code: 2,
            type: 'OAuthException',
            message: 'An unexpected error has occurred. Please retry your request later.',
          }),
          fbtrace_id: `conformance-${kind}`,
        },
      }),
      rateLimitHeaders: (resetAt: Date, now: Date) => ({
        'x-business-use-case-usage': JSON.stringify({
          [fake.page.id]: [
            {
              type: 'pages',
              call_count: 100,
              total_cputime: 12,
              total_time: 14,
              estimated_time_to_regain_access: Math.ceil((resetAt.getTime() - now.getTime()) / 60_000),
            },
          ],
        }),
      }),
    });
    return {
      options: {
        clientId: fake.appId,
        clientSecret: fake.appSecret,
        graphBaseUrl: proxy.url,
        loginBaseUrl: proxy.url,
        inboxLookbackDays: 14,
      },
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () => fake.pagePosts().map((post) => ({ remoteId: post.id, text: post.message })),
      addInboxItem: async ({ text, author }) => {
        fake.comment(seed.id, text, { id: '700000000000009', name: author ?? 'Conformance Reader' });
      },
      close: async () => {
        await proxy.close();
        await fake.stop();
      },
    };
  },
});
