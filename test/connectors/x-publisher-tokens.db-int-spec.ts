import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { X_SCOPES, xOAuth } from '../../plugins/x/x-oauth';
import { ChannelCredentials } from '../../src/channels/channel-credentials';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { ConnectorInstances } from '../../src/channels/connector-instances';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { TokenRefresher } from '../../src/credentials/credential-store';
import { OAuthCredentialsFactory } from '../../src/credentials/oauth-credentials.factory';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { createFetchHttpClient } from '../../src/plugin-sdk/testing';
import { createContentServices, type ContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { MemoryCredentialStore } from '../fakes/memory-credential-store';
import { ReadingClock } from '../fakes/reading.clock';
import { XApiFake } from '../fakes/x-api.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';
import { optionsFor } from './x-fixtures';

const POSTS = 6;
const text = (batch: string, i: number) => `X ${batch} post ${i}, exactly once.`;

/**
 * The real publisher (inline driver, SQLite) publishing to X with OAuth tokens in a credential store, renewed by the
 * plugin's own refresh (a minimal stand-in for the host's refresher, as in the TikTok suite): the access token
 * expires mid-run and is renewed with the refresh token (X rotates it: the used one is spent), every post exactly
 * once. Then the account revokes the app: the refresh is refused, the channel goes to `needs_reconnect` and its posts
 * wait; it is connected again as `metronome channels connect` does (new tokens saved in the store, then
 * `ChannelCredentials.reconnect`, see OAuthConnectService.afterConnect) and every waiting post goes out once.
 */
describe('x through the real publisher: an expired token, a revoked one and a reconnect', () => {
  const driver = inlineDriver();
  let clock = new Date('2026-12-01T08:59:00Z');
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let fake: XApiFake;
  let store: MemoryCredentialStore;
  let services: ContentServices;
  let channelCredentials: ChannelCredentials;
  let channelId: string;

  const variants = () => dataSource.getRepository(PostVariantEntity).find();

  /** Runs the publisher tick by tick, each at the next time the publisher set (a backoff, a wait). */
  async function runUntil(done: (rows: PostVariantEntity[]) => boolean, rounds = 30): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      await driver.runAt(clock);
      const rows = await variants();
      if (done(rows)) {
        return;
      }
      const next = rows
        .filter((row) => row.state !== 'published' && (row.scheduledAt || row.nextCheckAt))
        .map((row) => (row.nextCheckAt ?? row.scheduledAt)!.getTime());
      clock = new Date(Math.max(clock.getTime() + 1_000, Math.min(...next)));
    }
  }

  async function plan(batch: string, at: string): Promise<void> {
    for (let i = 0; i < POSTS; i++) {
      ws.write(`${batch}-${i}.md`, post(`title: Post\ncampaign: launch\npublish: ${at}`, text(batch, i)));
    }
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  }

  const connectedTokens = () => ({
    ...fake.grant(X_SCOPES),
    scopes: X_SCOPES,
    account: { id: fake.userId, username: fake.username },
  });

  beforeAll(async () => {
    fake = await new XApiFake().start();
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
      xch:
        connector: x
        options:
          apiUrl: "${fake.baseUrl}"
          authorizeUrl: "${fake.authorizeUrl}"
          clientId: "${fake.clientId}"
          clientSecret: "${fake.clientSecret}"
          timeoutMs: 400
`,
    );
    services = await createContentServices(dataSource);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const readingClock = new ReadingClock(() => clock);
    const channels = new ChannelRepository(new TransactionContext(dataSource));
    store = new MemoryCredentialStore();
    const tools = {
      options: optionsFor(fake, fake.baseUrl, { timeoutMs: 400 }),
      http: createFetchHttpClient('x'),
      clock: { now: () => clock },
    };
    // What the host's refresher does, reduced: renew with the plugin's provider, save the new version.
    const refresher = new (class extends TokenRefresher {
      async refresh(id: string): Promise<boolean> {
        const held = await store.read(id);
        if (!held) {
          return false;
        }
        const renewed = await xOAuth.refresh!(held, tools).catch(() => undefined);
        return renewed
          ? store.save(id, renewed, { actor: 'refresher', at: clock, expectedVersion: held.version })
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
    channelCredentials = new ChannelCredentials(channels, new AuditRepository(dataSource), config);
    const publisher = buildVariantPublisher({
      dataSource,
      config,
      connectors,
      content: services,
      budget: driver.budget,
      credentials: channelCredentials,
    });
    driver.start({
      publisher,
      dataSource,
      lease: new ClusterLease(new ClusterLeaseRepository(dataSource), SYSTEM_CLOCK),
      clock: () => clock,
    });
    await plan('first', '2026-12-01 09:04');
    channelId = (await channels.byKey('acme', 'xch'))!.id;
    await store.save(channelId, connectedTokens(), { actor: 'maya', at: clock });
  });

  afterAll(async () => {
    await driver.stop();
    await fake.stop();
    await database.dispose();
  });

  it('renews the expired access token with the (rotating) refresh token mid-run: every post exactly once', async () => {
    const refreshToken = (await store.read(channelId))!.refreshToken;
    // Two posts go out with the first token, then it expires.
    let creates = 0;
    fake.inject({ kind: 'lose-answer' }, (method, path) => {
      if (method === 'POST' && path === '/2/tweets' && ++creates === 2) {
        fake.expireAccessTokens();
      }
      return false;
    });
    clock = new Date('2026-12-01T09:04:01Z');
    await runUntil((rows) => rows.every((row) => row.state === 'published'));

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    expect(Array.from({ length: POSTS }, (_, i) => fake.postsWithText(text('first', i)))).toEqual(
      Array(POSTS).fill(1),
    );
    expect(fake.counts.refreshes).toBe(1);
    const held = (await store.read(channelId))!;
    expect(held.refreshToken).toBeDefined();
    expect(held.refreshToken).not.toBe(refreshToken);
    expect(fake.counts.duplicateRefusals).toBe(0);
    expect(fake.contractViolations).toEqual([]);
  });

  it('waits on a revoked token (needs_reconnect), then publishes every waiting post once after a reconnect', async () => {
    fake.pendingFaults();
    fake.revoke();
    fake.expireAccessTokens();
    await plan('second', '2026-12-01 10:00');
    clock = new Date('2026-12-01T10:00:01Z');
    await runUntil(() => false, 5);

    const channel = () => dataSource.getRepository(ChannelEntity).findOneByOrFail({ id: channelId });
    expect((await channel()).status).toBe('needs_reconnect');
    const waiting = (await variants()).filter((row) => row.state !== 'published');
    expect(waiting).toHaveLength(POSTS);
    expect(waiting.every((row) => row.state === 'scheduled')).toBe(true);
    expect(Array.from({ length: POSTS }, (_, i) => fake.postsWithText(text('second', i)))).toEqual(
      Array(POSTS).fill(0),
    );

    // `metronome channels connect acme/xch`: the code exchange's tokens saved, then the channel reconnected.
    await store.save(channelId, connectedTokens(), { actor: 'maya', at: clock });
    const { waiting: count } = await channelCredentials.reconnect('acme', 'xch', 'maya', clock);
    expect(count).toBe(POSTS);
    clock = new Date(clock.getTime() + 1_000);
    await runUntil((rows) => rows.every((row) => row.state === 'published'));

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    expect(Array.from({ length: POSTS }, (_, i) => fake.postsWithText(text('second', i)))).toEqual(
      Array(POSTS).fill(1),
    );
    expect(fake.posts()).toHaveLength(2 * POSTS);
    expect((await channel()).status).toBe('active');
    expect(fake.counts.duplicateRefusals).toBe(0);
    expect(fake.contractViolations).toEqual([]);
  });

  it('publishes the waiting posts when the channel was reconnected from another process (the CLI)', async () => {
    fake.revoke();
    fake.expireAccessTokens();
    await plan('third', '2026-12-01 11:00');
    clock = new Date('2026-12-01T11:00:01Z');
    await runUntil(() => false, 2);
    const channel = () => dataSource.getRepository(ChannelEntity).findOneByOrFail({ id: channelId });
    expect((await channel()).status).toBe('needs_reconnect');

    // `metronome channels connect` runs in its own process: its ChannelCredentials is not the worker's, whose
    // memory still says needs_reconnect (read moments ago). The drain must not spin on that: it reads again.
    await store.save(channelId, connectedTokens(), { actor: 'maya', at: clock });
    const cli = new ChannelCredentials(
      new ChannelRepository(new TransactionContext(dataSource)),
      new AuditRepository(dataSource),
      new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml')),
    );
    await cli.reconnect('acme', 'xch', 'maya', clock);
    clock = new Date(clock.getTime() + 1_000);
    await runUntil((rows) => rows.every((row) => row.state === 'published'), 5);

    expect(Array.from({ length: POSTS }, (_, i) => fake.postsWithText(text('third', i)))).toEqual(
      Array(POSTS).fill(1),
    );
    expect(fake.posts()).toHaveLength(3 * POSTS);
    expect(fake.contractViolations).toEqual([]);
  }, 8_000);
});
