import type { DataSource, Repository } from 'typeorm';
import { MetricSnapshotEntity } from '../../src/metrics/metric-snapshot.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { PostEntity } from '../../src/content/post.entity';
import { isUniqueViolation } from '../../src/persistence/unique-violation';
import { createTestDatabase, type TestDatabase } from './test-database';
import { seedChannel } from './seed.factory';

describe('metric snapshots', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let snapshots: Repository<MetricSnapshotEntity>;
  let channelId: string;
  let variantId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    snapshots = dataSource.getRepository(MetricSnapshotEntity);
    const { brand, channel } = await seedChannel(dataSource);
    channelId = channel.id;
    const now = new Date();
    const post = await dataSource.getRepository(PostEntity).save(
      dataSource.getRepository(PostEntity).create({
        brandId: brand.id,
        cycleId: null,
        sourcePath: null,
        sourceHash: null,
        title: 'Launch',
        body: 'We launched.',
        campaign: null,
        theme: null,
        funnelStage: null,
        publishAt: now,
        state: 'published',
        tags: ['launch'],
        createdAt: now,
        updatedAt: now,
      }),
    );
    const variant = await dataSource.getRepository(PostVariantEntity).save(
      dataSource.getRepository(PostVariantEntity).create({
        postId: post.id,
        channelId,
        state: 'published',
        text: 'We launched.',
        media: [],
        idempotencyKey: `${post.id}:${channelId}`,
        remoteId: 'at://did:plc:x/app.bsky.feed.post/3k',
        remoteUrl: null,
        attempts: 1,
        lastError: null,
        scheduledAt: now,
        publishedAt: now,
        updatedAt: now,
      }),
    );
    variantId = variant.id;
  });

  afterAll(async () => {
    await db.dispose();
  });

  const snapshot = (day: string, postVariantId: string | null): MetricSnapshotEntity =>
    snapshots.create({ channelId, postVariantId, day, metrics: { followers: 10 }, collectedAt: new Date() });

  it('keep one channel-level snapshot per channel and day', async () => {
    const saved = await snapshots.save(snapshot('2026-03-01', null));
    expect(saved.scopeKey).toBe('channel');

    const duplicate = await snapshots.save(snapshot('2026-03-01', null)).catch((error: unknown) => error);

    expect(isUniqueViolation(duplicate)).toBe(true);
    await expect(snapshots.save(snapshot('2026-03-02', null))).resolves.toBeDefined();
  });

  it('keep one snapshot per post variant and day, beside the channel-level one', async () => {
    await snapshots.save(snapshot('2026-04-01', null));
    const saved = await snapshots.save(snapshot('2026-04-01', variantId));
    expect(saved.scopeKey).toBe(variantId);

    const duplicate = await snapshots
      .save(snapshot('2026-04-01', variantId))
      .catch((error: unknown) => error);

    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(await snapshots.countBy({ channelId, day: '2026-04-01' })).toBe(2);
  });

  it('reject a scope key that disagrees with the post variant, even from raw SQL', async () => {
    const p = (index: number): string => dataSource.driver.createParameter(`p${index}`, index);
    await expect(
      dataSource.query(
        `INSERT INTO metric_snapshots (id, channel_id, post_variant_id, scope_key, day, metrics, collected_at) ` +
          `VALUES (${p(0)}, ${p(1)}, NULL, ${p(2)}, '2026-05-01', '{}', '2026-05-01T00:00:00.000Z')`,
        ['raw-1', channelId, 'something-else'],
      ),
    ).rejects.toThrow(/chk_metric_snapshots_scope_key|CHECK constraint failed/);
  });
});
