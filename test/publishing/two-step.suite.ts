import type { DataSource } from 'typeorm';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { ClusterLeaseRepository } from '../../src/cluster/cluster-lease.repository';
import { ClusterLease } from '../../src/cluster/cluster-lease.service';
import { PostEntity } from '../../src/content/post.entity';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { post } from '../content/content-workspace';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { createPublisherFixture, type PublisherFixture } from './publisher-fixture';
import type { PublishingDriver } from './publishing.suite';

const CONFIG = `
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
      reels: { connector: sandbox, options: { handle: reels, idempotency: ignore, twoStep: { checks: 2 } } }
      feed: { connector: sandbox, options: { handle: feed } }
`;

/**
 * Two-step publishing through a queue driver's own rounds (the inline drain, or Bull's dispatcher round and
 * processors plus the workers' finishing checks): accepted posts finish at later rounds, one container and one
 * post per key (the sandbox ignores keys here, so any second publish would show).
 */
export function twoStepSuite(driverFactory: () => PublishingDriver): void {
  describe(`two-step publishing through the ${driverFactory().name} driver (sandbox two-step mode, real database)`, () => {
    const driver = driverFactory();
    let database: TestDatabase;
    let dataSource: DataSource;
    let fixture: PublisherFixture;
    const T = new Date('2026-12-01T09:00:00Z');
    const at = (ms: number) => new Date(T.getTime() + ms);
    const runAt = async (now: Date) => {
      fixture.clock.now = now;
      await driver.runAt(now);
    };

    beforeAll(async () => {
      database = await createTestDatabase();
      dataSource = await database.openMigrated();
      fixture = await createPublisherFixture(dataSource, CONFIG, driver.budget);
      driver.start({
        publisher: fixture.newPublisher(),
        dataSource,
        lease: new ClusterLease(new ClusterLeaseRepository(dataSource), SYSTEM_CLOCK),
        clock: () => fixture.clock.now,
      });
      for (const name of ['one', 'two', 'three']) {
        fixture.ws.write(
          `${name}.md`,
          post(`title: ${name}\ncampaign: launch\nchannels: [reels, feed]\npublish: 2026-12-01 09:00`),
        );
      }
      await fixture.services.planSync.syncBrand(fixture.ws.loaded, 'acme', new Date('2026-11-30T08:00:00Z'));
    });

    afterAll(async () => {
      await driver.stop();
      await database.dispose();
    });

    const states = async (channel: string) =>
      Promise.all(
        ['one', 'two', 'three'].map(async (name) => (await fixture.variantOf(`${name}.md`, channel)).state),
      );
    const perKey = async (prefix: 'post:' | 'container:') => {
      const counts = new Map<string, number>();
      for (const { value } of await new PluginStateRepository(dataSource).list(
        'sandbox',
        'acme/reels',
        prefix,
      )) {
        const key = (value as { idempotencyKey: string }).idempotencyKey;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    };

    it('sends accepted posts once, finishes them at later rounds, and settles their posts published', async () => {
      await runAt(T);
      expect(await states('reels')).toEqual(['finishing', 'finishing', 'finishing']);
      expect(await states('feed')).toEqual(['published', 'published', 'published']);
      const posts = await dataSource.getRepository(PostEntity).find();
      expect(posts.map((row) => row.state)).toEqual(['publishing', 'publishing', 'publishing']);

      await runAt(at(1000)); // the first status call: still processing
      expect(await states('reels')).toEqual(['finishing', 'finishing', 'finishing']);
      await runAt(at(2000)); // the second: visible
      expect(await states('reels')).toEqual(['published', 'published', 'published']);
      expect((await dataSource.getRepository(PostEntity).find()).map((row) => row.state)).toEqual([
        'published',
        'published',
        'published',
      ]);

      const keys = await Promise.all(
        ['one', 'two', 'three'].map(
          async (name) => (await fixture.variantOf(`${name}.md`, 'reels')).idempotencyKey,
        ),
      );
      const containers = await perKey('container:');
      const published = await perKey('post:');
      expect(keys.map((key) => [containers.get(key), published.get(key)])).toEqual([
        [1, 1],
        [1, 1],
        [1, 1],
      ]);
      const moves = await dataSource
        .getRepository(AuditEventEntity)
        .find({ where: { action: 'variant.state_changed' }, order: { id: 'ASC' } });
      const steps = moves.map((row) => row.data as { from: string; to: string });
      const finishing = steps.filter((move) => move.to === 'finishing' || move.from === 'finishing');
      expect(finishing.map((move) => `${move.from}→${move.to}`).sort()).toEqual([
        'finishing→published',
        'finishing→published',
        'finishing→published',
        'publishing→finishing',
        'publishing→finishing',
        'publishing→finishing',
      ]);
    });
  });
}
