import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import linkedin from '../../plugins/linkedin';
import type { LinkedInOptions } from '../../plugins/linkedin/linkedin-options.schema';
import {
  AuthenticationError,
  PermanentError,
  RateLimitedError,
  type Connector,
  type PluginCredentials,
  type PluginStateStore,
  type PublishRequest,
  type PublishResult,
} from '../../src/plugin-sdk';
import { createMemoryStateStore, createTestPluginContext } from '../../src/plugin-sdk/testing';
import { LinkedInApiFake } from '../fakes/linkedin-api.fake';
import { drivePublish } from './linkedin-driver';
import { connectedCredentials, optionsFor } from './linkedin-fixtures';

const request = (
  idempotencyKey: string,
  text: string,
  extra: Partial<PublishRequest> = {},
): PublishRequest => ({
  idempotencyKey,
  text,
  media: [],
  scheduledAt: new Date(),
  extra: {},
  ...extra,
});

const LINKEDIN_429 = {
  status: 429,
  body: {
    status: 429,
    serviceErrorCode: 101,
    code: 'TOO_MANY_REQUESTS',
    message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.',
  },
};

describe('linkedin connector: exactly once, quotas and tokens against the contract fake', () => {
  let fake: LinkedInApiFake;
  let options: LinkedInOptions;
  let credentials: PluginCredentials;
  let state: PluginStateStore;

  const connect = (extra: Partial<LinkedInOptions> = {}, creds: PluginCredentials = credentials): Connector =>
    linkedin.create(
      createTestPluginContext({ plugin: 'linkedin', scope: 'acme/linkedin', credentials: creds, state }),
      { ...options, ...extra },
    ) as Connector;

  async function start(fakeOptions: ConstructorParameters<typeof LinkedInApiFake>[0] = {}): Promise<void> {
    fake = await new LinkedInApiFake(fakeOptions).start();
    state = createMemoryStateStore();
    options = optionsFor(fake, fake.baseUrl, { timeoutMs: 400 });
    credentials = connectedCredentials(fake, options);
  }

  afterEach(async () => {
    await fake.stop();
  });

  it('the daily limit (429 without a reset header) waits until midnight UTC, and nothing is posted', async () => {
    await start({ dailyPostLimit: 2 });
    const connector = connect();
    await connector.publish!(request('a', 'First.'));
    await connector.publish!(request('b', 'Second.'));
    const before = new Date();
    const limited = await connector.publish!(request('c', 'Third.')).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitedError);
    const midnight = new Date(
      Date.UTC(before.getUTCFullYear(), before.getUTCMonth(), before.getUTCDate() + 1),
    );
    expect((limited as RateLimitedError).retryAt).toEqual(midnight);
    expect((limited as Error).message).toContain(`it resets at ${midnight.toISOString()}`);
    expect(fake.postsWithText('Third.')).toBe(0);
  });

  it('a token that expires mid-burst is renewed once through the refresh token, and every post goes out once', async () => {
    await start();
    const connector = connect();
    const texts = Array.from({ length: 6 }, (_, index) => `Burst post ${index}.`);
    for (const [index, text] of texts.entries()) {
      if (index === 2) {
        fake.expireAccessTokens();
      }
      await drivePublish(connector, request(`burst-${index}`, text));
    }
    expect(fake.counts.refreshes).toBe(1);
    expect(texts.map((text) => fake.postsWithText(text))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a revoked token needs a person: the refresh is refused, nothing is posted', async () => {
    await start();
    const connector = connect();
    fake.revoke();
    const refused = await connector.publish!(request('k', 'Never.')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect((refused as Error).message).toContain('REVOKED_ACCESS_TOKEN');
    await expect(connector.refreshCredentials!()).rejects.toThrow(
      /revoked the app .*metronome channels connect/,
    );
    await expect(drivePublish(connector, request('k', 'Never.'))).rejects.toBeInstanceOf(AuthenticationError);
    expect(fake.posts()).toEqual([]);
    // The token never appears in what people read.
    expect((refused as Error).message).not.toContain((await credentials.current()).accessToken);
  });

  it('without read scopes, a lost answer is settled by LinkedIn’s DUPLICATE_POST naming the first post', async () => {
    await start();
    const member = connectedCredentials(fake, options, ['openid', 'profile', 'w_member_social']);
    const asMember = () => connect({ author: fake.memberUrn }, member);
    fake.loseNextAnswer();
    const { result, log } = await drivePublish(asMember, request('lost', 'Lost answer, one post.'));
    expect(log.lookups).toBe(1);
    expect(fake.counts.duplicateRefusals).toBe(1);
    expect(fake.postsWithText('Lost answer, one post.')).toBe(1);
    expect(result.remoteId).toBe(fake.posts()[0].id);
    // The same text for ANOTHER post is LinkedIn's duplicate of the first: refused, naming what to change.
    const again = await asMember().publish!(request('other', 'Lost answer, one post.')).catch(
      (error: unknown) => error,
    );
    expect(again).toBeInstanceOf(PermanentError);
    expect(again).toMatchObject({ platformCode: 'DUPLICATE_POST' });
    expect((again as Error).message).toContain('for another post (lost): change the text');
  });

  it('a run of posts with every fault — lost answers, timeouts, 429, 500, 503, expiry — leaves each post exactly once', async () => {
    await start();
    const root = mkdtempSync(join(tmpdir(), 'linkedin-run-'));
    try {
      const faults: Array<() => void> = [
        () => fake.loseNextAnswer(),
        () => fake.hangNext(),
        () => fake.failNext(LINKEDIN_429),
        () => fake.failNext({ status: 500, body: { status: 500, message: 'Internal Server Error' } }),
        () => fake.failNext({ status: 503, body: { status: 503, message: 'Service Unavailable' } }),
        () => fake.expireAccessTokens(),
        () => {
          // The answer is lost, then the lookup's own listing fails once: the outcome stays unknown.
          fake.loseNextAnswer();
          fake.failNext({ status: 500 }, (method, path) => method === 'GET' && path === '/rest/posts');
        },
        // IMAGE_FAULT: the upload's start is lost (an image reserved twice is harmless: only the post counts).
        () => fake.loseNextAnswer((method, path) => method === 'POST' && path === '/rest/images'),
        () => undefined,
      ];
      const IMAGE_FAULT = 7;
      const total = 27;
      const results: PublishResult[] = [];
      for (let index = 0; index < total; index++) {
        faults[index % faults.length]();
        const media =
          index % 4 === 0 || index % faults.length === IMAGE_FAULT
            ? [0, 1].map((part) => {
                const path = join(root, `p${index}-${part}.png`);
                writeFileSync(path, Buffer.from(`image ${index}/${part}`));
                return { path, root, mimeType: 'image/png', altText: `Picture ${part}` };
              })
            : [];
        const text = `Run post ${index} (of ${total}) #exactlyonce`;
        // A new connector instance per attempt: every retry is a restart with the same durable state.
        results.push(
          (await drivePublish(() => connect(), request(`run-${index}:li`, text, { media }))).result,
        );
      }
      const counts = Array.from({ length: total }, (_, index) => fake.postsWithText(`Run post ${index} (of`));
      expect(counts.filter((count) => count === 0)).toEqual([]); // none lost
      expect(counts.filter((count) => count > 1)).toEqual([]); // none twice
      expect(fake.posts()).toHaveLength(total);
      expect(new Set(results.map((result) => result.remoteId)).size).toBe(total);
      expect(
        fake
          .posts()
          .map((post) => post.id)
          .sort(),
      ).toEqual(results.map((result) => result.remoteId).sort());
      expect(fake.counts.refreshes).toBe(Math.ceil(total / faults.length));
      // With read scopes, lookup found every lost post: LinkedIn's duplicate refusal (the backstop) never came into play.
      expect(fake.counts.duplicateRefusals).toBe(0);
      expect(fake.pendingFaults()).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
