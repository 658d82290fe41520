import tiktok from '../../plugins/tiktok';
import type { TikTokOptions } from '../../plugins/tiktok/tiktok-options.schema';
import type { ConnectorPlugin } from '../../src/plugin-sdk';
import {
  createFaultProxy,
  describeConnectorConformance,
  type ConformanceFault,
  type FaultProxy,
} from '../../src/plugin-sdk/testing';
import { TikTokConnector } from '../../plugins/tiktok/tiktok.connector';
import { TikTokApiFake } from '../fakes/tiktok-api.fake';
import { connectedCredentials, optionsFor, videoFolder } from './tiktok-fixtures';

/** TikTok's error codes for the statuses the kit injects (https://developers.tiktok.com/doc/tiktok-api-v2-error-handling). */
const CODES: Record<number, string> = {
  400: 'invalid_params',
  401: 'access_token_invalid',
  403: 'scope_not_authorized',
  422: 'invalid_params',
  429: 'rate_limit_exceeded',
  500: 'internal_error',
  502: 'internal_error',
  503: 'internal_error',
};

let running: { fake: TikTokApiFake; proxy: FaultProxy; folder: ReturnType<typeof videoFolder> } | undefined;
/** Where the next fault lands: a lost answer on the upload's last chunk (the request that makes the post), the rest on video/init. */
let target: 'init' | 'upload' = 'init';

/** The kit publishes text only; a TikTok post is one video, so each kit post carries a small MP4. */
const kitPlugin: ConnectorPlugin<TikTokOptions> = {
  ...tiktok,
  create: (context, options) => {
    const connector = new TikTokConnector(context, options);
    const publish = connector.publish.bind(connector);
    connector.publish = (request) =>
      publish({
        ...request,
        media: request.media.length > 0 ? request.media : [running!.folder.video('kit.mp4', 5, 32 * 1024)],
      });
    return connector;
  },
};

describeConnectorConformance<TikTokOptions>('tiktok connector: conformance kit (contract fake)', {
  plugin: kitPlugin,
  context: async () => {
    const fake = await new TikTokApiFake().start();
    // The kit publishes some 20 posts within a minute: TikTok's 6 inits a minute is tested in tiktok.int-spec.ts.
    fake.initsPerMinute = 1_000;
    const proxy = await createFaultProxy(fake.baseUrl, {
      matches: ({ method, path }) =>
        target === 'upload'
          ? method === 'PUT' && path.startsWith('/upload/')
          : method === 'POST' && path === '/v2/post/publish/video/init/',
      errorBody: (status, kind) => ({
        error: {
          code: CODES[status] ?? `http_${status}`,
          message: `conformance kit: injected ${kind}`,
          log_id: 'kit',
        },
      }),
    });
    // Upload URLs point at the proxy too, so a fault can land on a chunk.
    fake.uploadBaseUrl = proxy.url;
    running = { fake, proxy, folder: videoFolder() };
    return { credentials: connectedCredentials(fake, await optionsFor(fake, proxy.url)) };
  },
  startPlatform: async () => {
    const { fake, proxy, folder } = running!;
    return {
      options: await optionsFor(fake, proxy.url, { initsPerMinute: 1_000 }),
      injectFault: (fault: ConformanceFault) => {
        target = fault.kind === 'lost-answer' ? 'upload' : 'init';
        proxy.injectFault(fault);
      },
      posts: async () => fake.posts(),
      close: async () => {
        await proxy.close();
        await fake.stop();
        folder.remove();
      },
    };
  },
  skip: {
    delete: 'the Content Posting API has no delete: the plugin does not declare delete',
  },
});
