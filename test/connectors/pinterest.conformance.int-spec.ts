import type { PinterestOptions } from '../../plugins/pinterest/pinterest-options.schema';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { PinterestApiFake } from '../fakes/pinterest-api.fake';
import {
  connectedCredentials,
  imageFolder,
  kitPlugin,
  lateCredentials,
  optionsFor,
} from './pinterest-fixtures';

const late = lateCredentials();
const images = imageFolder();
let specProblems: () => string[] = () => [];

afterAll(() => {
  images.dispose();
  // Every request the connector sent during the kit matched Pinterest's API description.
  expect(specProblems()).toEqual([]);
});

const PINTEREST_CODES: Record<string, number> = {
  'rate-limited': 8,
  unauthorized: 2,
  forbidden: 29,
  refused: 1,
  'server-error': 500,
};

// The contract fake of Pinterest API v5 behind the kit's fault proxy; the channel is connected through OAuth
// (memory credentials renewed by the plugin's own refresh against the fake's token endpoint).
describeConnectorConformance<PinterestOptions>('pinterest connector: conformance kit (contract fake)', {
  plugin: kitPlugin(() => images.image('pin.png', 'A cup of coffee')),
  context: () => ({ credentials: late.credentials }),
  startPlatform: async () => {
    const fake = await new PinterestApiFake().start();
    specProblems = () => fake.specProblems;
    const proxy = await createFaultProxy(fake.baseUrl, {
      matches: ({ method, path }) => method === 'POST' && path === '/v5/pins',
      // Pinterest's 429 (code 8); its reset header is not documented: seconds until the reset, rounded down.
      rateLimitHeaders: (resetAt, now) => ({
        'x-ratelimit-limit': '100',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.max(0, Math.floor((resetAt.getTime() - now.getTime()) / 1000))),
      }),
      errorBody: (status, kind) => ({
        code: PINTEREST_CODES[kind] ?? status,
        message: `conformance kit: injected ${kind} (${status})`,
      }),
    });
    const options = optionsFor(fake, `${proxy.url}/v5`);
    late.set(connectedCredentials(fake, options));
    return {
      options,
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () => fake.pins().map((pin) => ({ remoteId: pin.id, text: pin.description ?? '' })),
      close: async () => {
        await proxy.close();
        await fake.stop();
      },
    };
  },
});
