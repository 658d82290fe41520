import type { InstagramOptions } from '../../plugins/instagram/instagram-options.schema';
import {
  createFaultProxy,
  describeConnectorConformance,
  type FaultProxy,
} from '../../src/plugin-sdk/testing';
import { InstagramGraphFake } from '../fakes/instagram-graph.fake';
import { fakeCredentials, kitPlugin, options, startFixtureMediaHost } from './instagram.harness';

/** Graph-shaped error bodies for the kit's faults (Graph API error handling: code 190 token, 10 permission, 4 throttling). */
const GRAPH_CODES: Record<string, number> = {
  'rate-limited': 4,
  unauthorized: 190,
  forbidden: 10,
  refused: 100,
  'server-error': 2,
};

let running:
  | { fake: InstagramGraphFake; proxy: FaultProxy; media: Awaited<ReturnType<typeof startFixtureMediaHost>> }
  | undefined;

async function start() {
  const fake = await new InstagramGraphFake({ videoPollsUntilFinished: 1 }).start();
  const proxy = await createFaultProxy(fake.url, {
    // The kit's faults land on media_publish: the step that makes a post (a container alone is invisible).
    matches: ({ method, path }) => method === 'POST' && path.endsWith('/media_publish'),
    rateLimitHeaders: (resetAt, now) => ({
      'x-business-use-case-usage': JSON.stringify({
        [fake.userId]: [
          {
            type: 'instagram',
            call_count: 100,
            total_cputime: 30,
            total_time: 40,
            estimated_time_to_regain_access: Math.ceil((resetAt.getTime() - now.getTime()) / 60_000),
          },
        ],
      }),
    }),
    errorBody: (status, kind) => ({
      error: {
        message: `conformance kit: injected ${kind} (${status})`,
        type: kind === 'unauthorized' ? 'OAuthException' : 'IGApiException',
        code: GRAPH_CODES[kind] ?? 1,
        fbtrace_id: 'kit',
      },
    }),
  });
  const media = await startFixtureMediaHost();
  running = { fake, proxy, media };
  return running;
}

describeConnectorConformance<InstagramOptions>('instagram connector: conformance kit (contract fake)', {
  plugin: kitPlugin(() => running!.media.url),
  context: async () => {
    const { fake, proxy } = await start();
    return { credentials: fakeCredentials(fake, options(fake, proxy.url)) };
  },
  startPlatform: async () => {
    const { fake, proxy, media } = running!;
    return {
      options: options(fake, proxy.url),
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () => fake.media.map((item) => ({ remoteId: item.id, text: item.caption })),
      addInboxItem: async ({ text, author }) => {
        fake.comment(text, author ?? 'reader.one');
      },
      close: async () => {
        await proxy.close();
        await media.stop();
        await fake.stop();
      },
    };
  },
  skip: {
    delete:
      'the Instagram API cannot delete media (IG Media has no DELETE), so the plugin does not declare delete',
  },
});
