import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { pinterestOAuth } from '../../plugins/pinterest/pinterest-oauth';
import { pinterestOptionsSchema } from '../../plugins/pinterest/pinterest-options.schema';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import type { OAuthCredentialsFactory } from '../../src/credentials/oauth-credentials.factory';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import {
  createFetchHttpClient,
  createMemoryCredentials,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';
import { createContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { mp4, png } from '../content/media-headers';
import { PinterestApiFake } from '../fakes/pinterest-api.fake';
import { ReadingClock } from '../fakes/reading.clock';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';
import { PINTEREST_SCOPES } from './pinterest-fixtures';

const POSTS = 16;
const text = (i: number) => `Pinterest pin ${i}, exactly once. https://acme.example/blend-${i}`;

/**
 * The real publisher (inline driver, SQLite) publishing pins through the connector and its contract fake, while the
 * fake loses answers after creating pins, hangs, fails with 500/503, refuses with a 429 and its reset header, and
 * the access token expires (renewed through the plugin's refresh, as the host's credential store would): every post
 * ends published, each exactly once on the fake. Then the account removes the app: nothing more is published.
 * The channel's tokens come from memory credentials standing in for the host's encrypted store (tested elsewhere),
 * renewed by `pinterestOAuth.refresh` against the fake's token endpoint.
 */
describe('pinterest through the real publisher and a SQLite database, with faults', () => {
  const driver = inlineDriver();
  let clock = new Date('2026-12-01T08:59:00Z');
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let fake: PinterestApiFake;
  let credentials: MemoryCredentials;

  const variants = () => dataSource.getRepository(PostVariantEntity).find();

  /** Runs the publisher tick by tick, each at the next time the publisher set (a backoff, the 429's reset). */
  async function runUntilSettled(done: (rows: PostVariantEntity[]) => boolean): Promise<void> {
    for (let round = 0; round < 40; round++) {
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

  beforeAll(async () => {
    fake = await new PinterestApiFake().start();
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
      pins:
        connector: pinterest
        options:
          board: "${fake.boardId}"
          apiUrl: "${fake.apiUrl}"
          tokenUrl: "${fake.tokenUrl}"
          clientId: "${fake.clientId}"
          clientSecret: "${fake.clientSecret}"
          timeoutMs: 400
`,
      (dir) => {
        mkdirSync(join(dir, 'content', 'media'), { recursive: true });
        writeFileSync(join(dir, 'content', 'media', 'cup.png'), png(1000, 1500));
        writeFileSync(
          join(dir, 'content', 'media', 'pour.mp4'),
          mp4({ seconds: 8, width: 1080, height: 1920 }),
        );
      },
    );
    const options = pinterestOptionsSchema.parse({
      board: fake.boardId,
      apiUrl: fake.apiUrl,
      tokenUrl: fake.tokenUrl,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      timeoutMs: 400,
    });
    credentials = createMemoryCredentials(
      { ...fake.grant(PINTEREST_SCOPES), scopes: PINTEREST_SCOPES },
      (current) =>
        pinterestOAuth.refresh!(current, {
          options,
          http: createFetchHttpClient('pinterest'),
          clock: { now: () => new Date() },
        }),
    );
    const oauth = { for: () => credentials } as unknown as OAuthCredentialsFactory;
    const services = await createContentServices(dataSource);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const connectors = connectorInstancesOn(dataSource, config, new ReadingClock(() => clock));
    (connectors as unknown as { oauthCredentials: OAuthCredentialsFactory }).oauthCredentials = oauth;
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
        `pin-${i}.md`,
        post(
          'title: Winter blend\ncampaign: launch\npublish: 2026-12-01 09:04\nmedia: [{ path: media/cup.png, alt: A cup of the winter blend }]',
          text(i),
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

  it('publishes every pin exactly once through lost answers, hangs, 500, 503, a 429 and an expired token', async () => {
    fake.expireAccessTokens();
    fake.loseNextAnswer();
    fake.hangNext();
    fake.failNext({ status: 500, body: { code: 500, message: 'Internal Server Error' } });
    fake.loseNextAnswer();
    fake.failNext({ status: 503, body: { code: 503, message: 'Service Unavailable' } });
    fake.rateLimitNext(90);
    fake.loseNextAnswer();

    clock = new Date('2026-12-01T09:04:01Z');
    await runUntilSettled((rows) => rows.every((row) => row.state === 'published'));

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    // 0 duplicates, 0 lost: one pin per post, each the one the publisher recorded.
    const counts = Array.from({ length: POSTS }, (_, i) => fake.pinsWithDescription(text(i)));
    expect(counts).toEqual(Array(POSTS).fill(1));
    expect(fake.pins()).toHaveLength(POSTS);
    expect(new Set(rows.map((row) => row.remoteId))).toEqual(new Set(fake.pins().map((pin) => pin.id)));
    expect(fake.pendingFaults()).toBe(0);
    expect(fake.counts.refreshes).toBe(1);
    expect(credentials.refreshes).toBe(1);
    expect(fake.specProblems).toEqual([]);
    // What the pins carry: the title, the alt text, the first link of the text, the image as base64.
    expect(fake.pins()[0]).toMatchObject({
      board_id: fake.boardId,
      title: 'Winter blend',
      alt_text: 'A cup of the winter blend',
      link: expect.stringMatching(/^https:\/\/acme\.example\/blend-\d+$/),
      media_source: { source_type: 'image_base64', content_type: 'image/png' },
    });
  });

  it('publishes video pins in two steps, exactly once although the creation of one lost its answer', async () => {
    const videoText = (i: number) => `Pinterest video ${i}, exactly once.`;
    for (let i = 0; i < 3; i++) {
      ws.write(
        `video-${i}.md`,
        post(
          'title: Pouring\ncampaign: launch\npublish: 2026-12-01 09:30\nmedia: [{ path: media/pour.mp4 }]',
          videoText(i),
        ),
      );
    }
    const services = await createContentServices(dataSource);
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    fake.videoPollsUntilReady = 2;
    fake.loseNextAnswer();
    clock = new Date('2026-12-01T09:30:01Z');
    await runUntilSettled((rows) => rows.every((row) => row.state === 'published'));

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    expect([0, 1, 2].map((i) => fake.pinsWithDescription(videoText(i)))).toEqual([1, 1, 1]);
    expect(fake.pins().filter((pin) => pin.media_source.source_type === 'video_id')).toHaveLength(3);
    expect(fake.pendingFaults()).toBe(0);
    expect(fake.specProblems).toEqual([]);
  });

  it('publishes nothing once the account removed the app, and marks the channel for reconnecting', async () => {
    const pinsBefore = fake.pins().length;
    fake.revoke();
    ws.write(
      'pin-after.md',
      post(
        'title: After\ncampaign: launch\npublish: 2026-12-01 10:00\nmedia: [{ path: media/cup.png }]',
        'Published after the app was removed?',
      ),
    );
    await createContentServices(dataSource).then((services) =>
      services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z')),
    );
    clock = new Date('2026-12-01T10:00:01Z');
    await runUntilSettled(() => false);

    const channel = await dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: 'acme', key: 'pins' });
    expect(channel.status).toBe('needs_reconnect');
    const after = (await variants()).find((row) => row.state !== 'published');
    expect(after?.lastError).toMatch(/reconnect/);
    expect(fake.pinsWithDescription('Published after the app was removed?')).toBe(0);
    expect(fake.pins()).toHaveLength(pinsBefore);
  });
});
