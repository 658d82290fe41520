import youtube from '../../plugins/youtube';
import type { YouTubeOptions } from '../../plugins/youtube/youtube-options.schema';
import { textOfDescription } from '../../plugins/youtube/youtube-video';
import type { ConnectorPlugin } from '../../src/plugin-sdk';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { googleError, YouTubeApiFake } from '../fakes/youtube-api.fake';
import {
  connectedCredentials,
  lateCredentials,
  mediaFolder,
  optionsFor,
  TEST_CHUNK,
  withVideo,
} from './youtube-fixtures';

const late = lateCredentials();
const folder = mediaFolder();
// One chunk, so the kit's faults hit the request that completes the video (a lost answer means a video exists);
// uploads in several chunks, interrupted between them, are youtube.int-spec.ts's and the publisher spec's.
const clip = folder.video('kit.mp4', TEST_CHUNK - 1000);
const REASONS: Record<string, string> = {
  'rate-limited': 'rateLimitExceeded',
  unauthorized: 'authError',
  forbidden: 'insufficientPermissions',
  refused: 'badContent',
  'server-error': 'backendError',
};

afterAll(() => folder.dispose());

// The kit publishes text posts; YouTube takes only videos, so every kit post carries the same small MP4.
const plugin: ConnectorPlugin<YouTubeOptions> = {
  ...youtube,
  create: async (context, options) => withVideo(await youtube.create(context, options), clip),
};

// The contract fake behind the kit's fault proxy: faults hit the upload's chunk PUTs (the requests that create the
// video); the channel is connected through OAuth (memory credentials renewed against the fake's token endpoint).
describeConnectorConformance<YouTubeOptions>('youtube connector: conformance kit (contract fake)', {
  plugin,
  requestTimeoutMs: 600,
  context: () => ({ credentials: late.credentials }),
  startPlatform: async () => {
    const fake = await new YouTubeApiFake().start();
    const proxy = await createFaultProxy(fake.baseUrl, {
      matches: ({ method, path }) => method === 'PUT' && path === '/upload/youtube/v3/videos',
      rateLimitHeaders: (resetAt, now) => ({
        'retry-after': String(Math.max(0, Math.ceil((resetAt.getTime() - now.getTime()) / 1000))),
      }),
      errorBody: (status, kind) => googleError(status, REASONS[kind] ?? 'backendError', `injected ${kind}`),
    });
    fake.uploadBaseUrl = proxy.url;
    const options = optionsFor(fake, proxy.url);
    late.set(connectedCredentials(fake, options));
    return {
      options,
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () =>
        fake
          .liveVideos()
          .map((video) => ({ remoteId: video.id, text: textOfDescription(video.snippet.description) })),
      addInboxItem: async ({ text, author }) => {
        const video = fake.liveVideos().at(-1) ?? fake.seedVideo('Our winter blend');
        fake.addComment(video.id, text, author);
      },
      close: async () => {
        expect(fake.violations).toEqual([]);
        await proxy.close();
        await fake.stop();
      },
    };
  },
});
