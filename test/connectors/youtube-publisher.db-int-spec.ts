import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { youtubeOAuth } from '../../plugins/youtube/youtube-oauth';
import { youtubeOptionsSchema } from '../../plugins/youtube/youtube-options.schema';
import { textOfDescription } from '../../plugins/youtube/youtube-video';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { ConnectorInstances } from '../../src/channels/connector-instances';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import type { OAuthCredentialsFactory } from '../../src/credentials/oauth-credentials.factory';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { PluginContextFactory } from '../../src/plugin-host/plugin-context.factory';
import type { PluginCredentials } from '../../src/plugin-sdk';
import { createFetchHttpClient, createMemoryCredentials } from '../../src/plugin-sdk/testing';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { createContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { YouTubeApiFake } from '../fakes/youtube-api.fake';
import { ReadingClock } from '../fakes/reading.clock';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';
import { paddedMp4, TEST_CHUNK } from './youtube-fixtures';

const POSTS = 10;
/** Three chunks of 256 KiB (the last one short): faults land between chunks and after the last. */
const VIDEO_BYTES = 2 * TEST_CHUNK + 4_000;

/**
 * The real publisher (inline driver, SQLite) uploading videos to a YouTube channel through the connector and its
 * contract fake, while the fake loses answers between chunks and after the last one, hangs after the last chunk,
 * fails with 500 and 503, throttles with 429 and Retry-After, and the access token expires: every post ends
 * published (processed), each exactly once on the fake, from one upload session each. The channel's OAuth tokens
 * come from memory credentials renewed by the plugin's own refresh at the fake's token endpoint (standing in for
 * the host's credential store, which has its own specs).
 */
describe('youtube through the real publisher and a SQLite database, with faults', () => {
  const driver = inlineDriver();
  let clock = new Date('2026-12-01T08:59:00Z');
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let fake: YouTubeApiFake;
  let credentials: ReturnType<typeof createMemoryCredentials>;
  let publisher: ReturnType<typeof buildVariantPublisher>;

  beforeAll(async () => {
    fake = await new YouTubeApiFake().start();
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
      yt:
        connector: youtube
        options:
          apiUrl: "${fake.baseUrl}"
          tokenUrl: "${fake.tokenUrl}"
          clientId: "${fake.clientId}"
          clientSecret: "${fake.clientSecret}"
          chunkBytes: ${TEST_CHUNK}
          timeoutMs: 400
          uploadTimeoutMs: 400
`,
    );
    const options = youtubeOptionsSchema.parse({
      apiUrl: fake.baseUrl,
      tokenUrl: fake.tokenUrl,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
    });
    const tools = { options, http: createFetchHttpClient('youtube'), clock: { now: () => new Date() } };
    credentials = createMemoryCredentials(
      { ...fake.grant(), account: { channelId: fake.channelId } },
      (current) => youtubeOAuth.refresh!(current, tools),
    );
    const oauth = { for: (): PluginCredentials => credentials } as unknown as OAuthCredentialsFactory;
    const services = await createContentServices(dataSource);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const readingClock = new ReadingClock(() => clock);
    const connectors = new ConnectorInstances(
      config,
      new PluginContextFactory(new PluginStateRepository(dataSource)),
      new ChannelRepository(new TransactionContext(dataSource)),
      readingClock,
      oauth,
    );
    publisher = buildVariantPublisher({
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
    mkdirSync(join(ws.dir, 'content', 'media'), { recursive: true });
    writeFileSync(join(ws.dir, 'content', 'media', 'clip.mp4'), paddedMp4(VIDEO_BYTES));
    for (let i = 0; i < POSTS; i++) {
      ws.write(
        `yt-${i}.md`,
        post(
          `title: Video ${i}\ncampaign: launch\npublish: 2026-12-01 09:04\nmedia: [{ path: media/clip.mp4 }]`,
          `YouTube video ${i} (exactly once).`,
        ),
      );
    }
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await driver.stop();
    await fake.stop();
    await database.dispose();
  });

  it('publishes every video exactly once through lost answers, hangs, 500, 503, 429 and an expired token', async () => {
    fake.expireAccessTokens();
    fake.fail('chunk', { kind: 'lose-answer' }, 1); // a crash between chunks 2 and 3 of one video
    fake.fail('chunk', { kind: 'lose-answer' }, 2); // the answer to a last chunk lost: the video exists
    fake.fail('chunk', { kind: 'hang-after' }, 5); // a timeout after a last chunk was taken
    fake.fail('chunk', { kind: 'answer', status: 500, reason: 'backendError', message: 'Backend Error' }, 1);
    fake.fail(
      'insert',
      { kind: 'answer', status: 503, reason: 'backendError', message: 'Service Unavailable' },
      3,
    );
    fake.fail('chunk', {
      kind: 'answer',
      status: 429,
      reason: 'rateLimitExceeded',
      message: 'Too many requests',
      headers: { 'retry-after': '90' },
    });
    fake.fail('status-query', { kind: 'lose-answer' });

    const variants = () => dataSource.getRepository(PostVariantEntity).find();
    clock = new Date('2026-12-01T09:04:01Z');
    for (let round = 0; round < 80; round++) {
      await driver.runAt(clock);
      // A worker's loop also takes back claims left `publishing` (here: a lookup whose answer was lost).
      await publisher.reconcileStale(clock);
      const rows = await variants();
      if (rows.every((row) => row.state === 'published')) {
        break;
      }
      // To the next time the publisher set (a backoff, a Retry-After, a finishing check), as a worker's tick would.
      // A finishing or stuck row is asked again by the driver's own schedule: at most 30 s on.
      const next = rows
        .filter((row) => row.state !== 'published' && row.scheduledAt && row.scheduledAt > clock)
        .map((row) => row.scheduledAt!.getTime());
      clock = new Date(Math.min(clock.getTime() + 30_000, ...next));
    }

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    const counts = Array.from(
      { length: POSTS },
      (_, i) =>
        fake
          .liveVideos()
          .filter(
            (video) => textOfDescription(video.snippet.description) === `YouTube video ${i} (exactly once).`,
          ).length,
    );
    expect(counts).toEqual(Array(POSTS).fill(1)); // 0 duplicates, 0 lost
    expect(fake.liveVideos()).toHaveLength(POSTS);
    expect(fake.liveVideos().every((video) => video.bytes === VIDEO_BYTES)).toBe(true);
    expect(fake.liveVideos().every((video) => video.status.uploadStatus === 'processed')).toBe(true);
    // One session per video, except where YouTube refused to open one (the 503 made none).
    expect(fake.counts.sessions).toBe(POSTS);
    expect(new Set(rows.map((row) => row.remoteId)).size).toBe(POSTS);
    expect(rows.map((row) => row.remoteId).sort()).toEqual(
      fake
        .liveVideos()
        .map((video) => video.id)
        .sort(),
    );
    expect(credentials.refreshes).toBe(1);
    expect(fake.pendingFaults()).toBe(0);
    expect(fake.violations).toEqual([]);
  });
});
