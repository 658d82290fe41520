import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { htmlToText } from '../../plugins/wordpress/wordpress-html';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';
import { createContentServices } from '../content/content-services.fixture';
import { createContentWorkspace, post } from '../content/content-workspace';
import { WordPressApiFake } from '../fakes/wordpress-api.fake';
import { ReadingClock } from '../fakes/reading.clock';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { inlineDriver } from '../publishing/publishing.suite';
import { buildVariantPublisher } from '../publishing/variant-publisher.fixture';
import { startWordPressFaultProxy, type WordPressFaultProxy } from './wordpress-fault-proxy';

const POSTS = 12;

/**
 * The real publisher (inline driver, SQLite) publishing to a WordPress site through the connector and its contract
 * fake, behind a proxy that loses answers after WordPress created the post, holds them (a timeout after sending),
 * fails with 500/503 and limits with 429 + Retry-After: every post ends published, each exactly once on the fake.
 * wordpress.services-spec.ts runs the same scenario against a real WordPress.
 */
describe('wordpress through the real publisher and a SQLite database, with faults', () => {
  const driver = inlineDriver();
  let clock = new Date('2026-12-01T08:59:00Z');
  let database: TestDatabase;
  let dataSource: DataSource;
  let fake: WordPressApiFake;
  let proxy: WordPressFaultProxy;

  beforeAll(async () => {
    fake = await new WordPressApiFake().start();
    proxy = await startWordPressFaultProxy(fake.baseUrl, undefined, () => clock);
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    const ws = await createContentWorkspace(
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
      blog:
        connector: wordpress
        options:
          siteUrl: "${proxy.url}"
          restBase: "${proxy.url}/index.php?rest_route=/"
          username: ${fake.author.username}
          applicationPassword: "${fake.author.applicationPassword}"
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
        `wp-${i}.md`,
        post(
          `title: Post ${i}\ncampaign: launch\npublish: 2026-12-01 09:04`,
          `WordPress post ${i} (exactly once).`,
        ),
      );
    }
    await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
  });

  afterAll(async () => {
    await driver.stop();
    await proxy.close();
    await fake.stop();
    await database.dispose();
  });

  it('publishes every post exactly once through lost answers, hangs, 500, 503 and a 429 with Retry-After', async () => {
    proxy.fail({ kind: 'lose-answer' });
    proxy.fail({ kind: 'hang-after-send' });
    proxy.fail({
      kind: 'status',
      status: 500,
      body: { code: 'internal_server_error', message: 'Critical error', data: { status: 500 } },
    });
    proxy.fail({ kind: 'lose-answer' });
    proxy.fail({ kind: 'status', status: 503, body: 'Service Unavailable' });
    proxy.fail({ kind: 'status', status: 429, headers: { 'retry-after': '90' } });
    proxy.fail({ kind: 'hang-after-send' });

    const variants = () => dataSource.getRepository(PostVariantEntity).find();
    clock = new Date('2026-12-01T09:04:01Z');
    for (let round = 0; round < 40; round++) {
      await driver.runAt(clock);
      const rows = await variants();
      if (rows.every((row) => row.state === 'published')) {
        break;
      }
      const next = rows
        .filter((row) => row.state !== 'published' && row.scheduledAt)
        .map((row) => row.scheduledAt!.getTime());
      clock = new Date(Math.max(clock.getTime() + 1_000, Math.min(...next)));
    }

    const rows = await variants();
    expect(rows.filter((row) => row.state !== 'published').map((row) => [row.state, row.lastError])).toEqual(
      [],
    );
    const counts = Array.from(
      { length: POSTS },
      (_, i) =>
        fake.posts.filter((entry) => htmlToText(entry.content) === `WordPress post ${i} (exactly once).`)
          .length,
    );
    expect(counts).toEqual(Array(POSTS).fill(1)); // 0 duplicates, 0 lost
    expect(fake.posts).toHaveLength(POSTS);
    expect(new Set(rows.map((row) => row.remoteId)).size).toBe(POSTS);
    expect(proxy.pendingFaults()).toBe(0);
    const limited = proxy.matched.findIndex((request) => request.outcome === '429');
    expect(
      proxy.matched[limited + 1].at.getTime() - proxy.matched[limited].at.getTime(),
    ).toBeGreaterThanOrEqual(90_000);
  });
});
