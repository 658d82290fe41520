import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';
import { createContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { LinkedInApiFake } from '../fakes/linkedin-api.fake';
import { ReadingClock } from '../fakes/reading.clock';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';
import { PAGE_CHANNEL_SCOPES } from './linkedin-fixtures';

const POSTS = 16;

/**
 * The real publisher (inline driver, SQLite) publishing to a LinkedIn Page through the connector and its contract
 * fake, while the fake loses answers after creating posts, hangs, fails with 500/503 and refuses with the daily
 * 429: every post ends published, each exactly once on the fake. A pasted token (static `accessToken`): the host's
 * OAuth store is built elsewhere.
 */
describe('linkedin through the real publisher and a SQLite database, with faults', () => {
  const driver = inlineDriver();
  let clock = new Date('2026-12-01T08:59:00Z');
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let fake: LinkedInApiFake;

  beforeAll(async () => {
    fake = await new LinkedInApiFake().start();
    const { accessToken } = fake.grant(PAGE_CHANNEL_SCOPES);
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
      li:
        connector: linkedin
        options:
          apiUrl: "${fake.baseUrl}"
          oauthUrl: "${fake.baseUrl}"
          author: "${fake.organizationUrn}"
          accessToken: "${accessToken}"
          scopes: [${PAGE_CHANNEL_SCOPES.join(', ')}]
          timeoutMs: 400
`,
    );
    const services = await createContentServices(dataSource);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const connectors = connectorInstancesOn(dataSource, config, new ReadingClock(() => clock));
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
        `li-${i}.md`,
        post(
          'title: Post\ncampaign: launch\npublish: 2026-12-01 09:04',
          `LinkedIn post ${i} (exactly once).`,
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

  it('publishes every post exactly once through lost answers, hangs, 500, 503 and the daily 429', async () => {
    fake.loseNextAnswer();
    fake.hangNext();
    fake.failNext({ status: 500, body: { status: 500, message: 'Internal Server Error' } });
    fake.loseNextAnswer();
    fake.failNext({ status: 503, body: { status: 503, message: 'Service Unavailable' } });
    fake.failNext({
      status: 429,
      body: { status: 429, serviceErrorCode: 101, message: 'Resource level throttle MEMBER DAY limit' },
    });
    fake.loseNextAnswer();

    const variants = () => dataSource.getRepository(PostVariantEntity).find();
    clock = new Date('2026-12-01T09:04:01Z');
    for (let round = 0; round < 40; round++) {
      await driver.runAt(clock);
      const rows = await variants();
      if (rows.every((row) => row.state === 'published')) {
        break;
      }
      // To the next time the publisher set (a backoff, or the 429's midnight UTC), as a worker's tick would.
      const next = rows
        .filter((row) => row.state !== 'published' && row.scheduledAt)
        .map((row) => row.scheduledAt!.getTime());
      clock = new Date(Math.max(clock.getTime() + 1_000, Math.min(...next)));
    }

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    const counts = Array.from({ length: POSTS }, (_, i) =>
      fake.postsWithText(`LinkedIn post ${i} (exactly once).`),
    );
    expect(counts).toEqual(Array(POSTS).fill(1));
    expect(fake.posts()).toHaveLength(POSTS);
    expect(new Set(rows.map((row) => row.remoteId)).size).toBe(POSTS);
    expect(fake.counts.duplicateRefusals).toBe(0);
    expect(fake.pendingFaults()).toBe(0);
  });
});
