import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices } from '../content/content-services.fixture';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { createContentWorkspace, post, type ContentWorkspace } from '../content/content-workspace';
import { MastodonApiFake } from '../fakes/mastodon-api.fake';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import type { PublishingDriver } from './publishing.suite';
import { buildVariantPublisher } from './variant-publisher.fixture';
import { ReadingClock } from '../fakes/reading.clock';
import { connectorInstancesOn } from '../channels/connector-instances.fixture';

const BURST = 310;

/**
 * A burst over Mastodon's documented budget (300 statuses per 5 minutes per account) through the real Mastodon
 * connector against MastodonApiFake (a contract fake): the posts over the budget wait for the reset and are
 * published after it; none fails.
 */
export function mastodonBurstSuite(driverFactory: () => PublishingDriver): void {
  describe(`a burst over Mastodon's rate budget (MastodonApiFake, ${driverFactory().name} driver)`, () => {
    const driver = driverFactory();
    let clock = new Date('2026-12-01T08:59:00Z');
    let database: TestDatabase;
    let dataSource: DataSource;
    let ws: ContentWorkspace;
    let fake: MastodonApiFake;

    beforeAll(async () => {
      fake = await new MastodonApiFake({ now: () => clock, mediaPollsUntilReady: 0 }).start();
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
      masto: { connector: mastodon, options: { instance: "${fake.baseUrl}", accessToken: "${fake.token}" } }
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
      for (let i = 0; i < BURST; i++) {
        ws.write(
          `burst-${i}.md`,
          post('title: Burst\ncampaign: launch\npublish: 2026-12-01 09:04', `Burst post number ${i}.`),
        );
      }
      await services.planSync.syncBrand(ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    });

    afterAll(async () => {
      await driver.stop();
      await fake.stop();
      await database.dispose();
    });

    it('publishes every post, the ones over the budget after the reset plus a margin, none failed', async () => {
      const variants = () => dataSource.getRepository(PostVariantEntity).find();
      const runAt = async (at: Date) => {
        clock = at;
        await driver.runAt(at);
      };
      await runAt(new Date('2026-12-01T09:04:01Z'));
      let rows = await variants();
      expect(rows).toHaveLength(BURST);
      expect(rows.filter((v) => v.state === 'published')).toHaveLength(300);
      const reset = Date.parse('2026-12-01T09:05:00Z'); // the 5-minute window's end, from X-RateLimit-Reset
      const waiting = rows.filter((v) => v.state === 'scheduled');
      expect(waiting).toHaveLength(BURST - 300);
      for (const v of waiting) {
        expect(v.attempts).toBe(0);
        expect(v.scheduledAt!.getTime()).toBeGreaterThanOrEqual(reset + 1000);
        expect(v.lastError).toMatch(/^Mastodon rate limit on acme\/masto: waits until /);
      }
      expect(new Set(waiting.map((v) => v.scheduledAt!.getTime())).size).toBe(waiting.length);

      await runAt(new Date(Math.max(...waiting.map((v) => v.scheduledAt!.getTime()))));
      rows = await variants();
      expect(rows.filter((v) => v.state !== 'published')).toEqual([]);
      expect(fake.accountStatuses().length).toBe(BURST);
      // Only the sends already in flight when the first 429 came were refused, not every waiting post.
      expect(fake.rateLimitedPosts).toBeLessThanOrEqual(driver.name === 'inline' ? 1 : 16);
    });
  });
}
