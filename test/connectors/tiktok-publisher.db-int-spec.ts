import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { tiktokOAuth } from '../../plugins/tiktok/tiktok-oauth';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { ConnectorInstances } from '../../src/channels/connector-instances';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { TokenRefresher } from '../../src/credentials/credential-store';
import { OAuthCredentialsFactory } from '../../src/credentials/oauth-credentials.factory';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { createFetchHttpClient } from '../../src/plugin-sdk/testing';
import { createContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { MemoryCredentialStore } from '../fakes/memory-credential-store';
import { ReadingClock } from '../fakes/reading.clock';
import { TikTokApiFake } from '../fakes/tiktok-api.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';
import { optionsFor, mp4 } from './tiktok-fixtures';

const POSTS = 10;

/**
 * The real publisher (inline driver, SQLite) publishing to TikTok through the connector and its contract fake, with
 * OAuth tokens in a credential store renewed by the plugin's own refresh (a minimal stand-in for the host's
 * refresher), while the fake loses the last chunk's answer (the post is made), hangs an init and a last chunk,
 * fails inits with 500 and 503, answers 429 rate_limit_exceeded, and refuses the expired access token: every post
 * ends published, each exactly once on the fake. The connector's own 6-inits-a-minute limit paces the run.
 */
describe('tiktok through the real publisher and a SQLite database, with faults', () => {
  const driver = inlineDriver();
  let clock = new Date('2026-12-07T08:59:00Z');
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let fake: TikTokApiFake;
  let store: MemoryCredentialStore;

  beforeAll(async () => {
    fake = await new TikTokApiFake().start();
    // The fake counts TikTok's per-minute limit in real time; the connector's own limit runs on the test clock.
    fake.initsPerMinute = 1_000;
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(
      dataSource,
      `
organisation: { name: Test }
people: { maya: { name: Maya } }
brands:
  acme:
    name: Acme
    timezone: UTC
    owner: maya
    content: { folder: content }
    campaigns: { launch: { name: Launch } }
    channels:
      tt:
        connector: tiktok
        options:
          apiBaseUrl: "${fake.baseUrl}"
          clientKey: "${fake.clientKey}"
          clientSecret: "${fake.clientSecret}"
          timeoutMs: 400
          uploadTimeoutMs: 400
          statusCheckAfterMs: 1000
`,
    );
    writeFileSync(join(ws.dir, 'content', 'clip.mp4'), mp4(8, 48 * 1024));
    const services = await createContentServices(dataSource);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const readingClock = new ReadingClock(() => clock);
    const channels = new ChannelRepository(new TransactionContext(dataSource));
    store = new MemoryCredentialStore();
    const options = await optionsFor(fake);
    const tools = { options, http: createFetchHttpClient('tiktok'), clock: { now: () => clock } };
    // What the host's refresher does, reduced: renew with the plugin's provider, save the new version.
    const refresher = new (class extends TokenRefresher {
      async refresh(channelId: string): Promise<boolean> {
        const held = await store.read(channelId);
        if (!held) {
          return false;
        }
        const renewed = await tiktokOAuth.refresh!(held, tools).catch(() => undefined);
        return renewed
          ? store.save(channelId, renewed, { actor: 'refresher', at: clock, expectedVersion: held.version })
          : false;
      }
    })();
    const connectors = new ConnectorInstances(
      config,
      new PluginContextFactory(new PluginStateRepository(dataSource)),
      channels,
      readingClock,
      new OAuthCredentialsFactory(store, readingClock, refresher),
    );
    const publisher = buildVariantPublisher({
      dataSource,
      config,
      connectors,
      content: services,
      budget: driver.budget,
    });
    driver.start({
      publisher,
      dataSource,
      lease: new ClusterLease(new ClusterLeaseRepository(dataSource), SYSTEM_CLOCK),
      clock: () => clock,
    });
    for (let i = 0; i < POSTS; i++) {
      ws.write(
        `tt-${i}.md`,
        post(
          'title: Clip\ncampaign: launch\npublish: 2026-12-07 09:04\nmedia: [{ path: clip.mp4 }]',
          `TikTok post ${i} (exactly once).`,
        ),
      );
    }
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-12-06T08:00:00Z'));
    const channel = await channels.byKey('acme', 'tt');
    const { accessToken, refreshToken, expiresAt, refreshExpiresAt, scopes } = fake.grant();
    await store.save(
      channel!.id,
      {
        accessToken,
        refreshToken,
        expiresAt,
        refreshExpiresAt,
        scopes,
        account: { openId: fake.openId, username: fake.username },
      },
      { actor: 'maya', at: clock },
    );
  });

  afterAll(async () => {
    await driver.stop();
    await fake.stop();
    await database.dispose();
  });

  it('publishes every post exactly once through lost answers, hangs, 500, 503, 429 and an expired token', async () => {
    fake.expireAccessTokens(); // the first request is refused: one renewal through the plugin's refresh
    fake.loseNextAnswer('last-chunk');
    fake.hangNext('init');
    fake.failNext('init', 500, 'internal_error');
    fake.hangNext('last-chunk');
    fake.failNext('init', 503, 'internal_error');
    fake.failNext('init', 429, 'rate_limit_exceeded');
    fake.loseNextAnswer('last-chunk');

    const variants = () => dataSource.getRepository(PostVariantEntity).find();
    clock = new Date('2026-12-07T09:04:01Z');
    for (let round = 0; round < 80; round++) {
      await driver.runAt(clock);
      const rows = await variants();
      if (rows.every((row) => row.state === 'published')) {
        break;
      }
      const next = rows
        .filter((row) => row.state !== 'published')
        .map((row) => (row.nextCheckAt ?? row.scheduledAt)?.getTime() ?? clock.getTime());
      clock = new Date(Math.max(clock.getTime() + 1_000, Math.min(...next)));
    }

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    const counts = Array.from({ length: POSTS }, (_, i) =>
      fake.postsWithText(`TikTok post ${i} (exactly once).`),
    );
    expect(counts).toEqual(Array(POSTS).fill(1)); // 0 duplicates, 0 lost
    expect(fake.videos).toHaveLength(POSTS);
    expect(new Set(rows.map((row) => row.remoteId)).size).toBe(POSTS);
    expect(fake.counters.refreshes).toBe(1);
    expect(fake.pendingFaults()).toBe(0);
    expect(fake.contractViolations).toEqual([]);
  });
});
