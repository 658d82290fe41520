import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { BrandEntity } from '../../src/persistence/entities/brand.entity';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { ConfigRevisionEntity } from '../../src/persistence/entities/config-revision.entity';

/** The rows most tables hang off: a config revision, a brand and one of its channels. */
export async function seedChannel(
  dataSource: DataSource,
  overrides: { brandId?: string; channelKey?: string } = {},
): Promise<{ revision: ConfigRevisionEntity; brand: BrandEntity; channel: ChannelEntity }> {
  const now = new Date('2026-01-01T00:00:00.000Z');
  const revision = await dataSource.getRepository(ConfigRevisionEntity).save(
    dataSource.getRepository(ConfigRevisionEntity).create({
      hash: createHash('sha256').update(randomUUID()).digest('hex'),
      sources: ['config/brands.yaml'],
      summary: {},
      loadedAt: now,
    }),
  );
  const brand = await dataSource.getRepository(BrandEntity).save(
    dataSource.getRepository(BrandEntity).create({
      id: overrides.brandId ?? `brand-${randomUUID().slice(0, 8)}`,
      name: 'Acme',
      timezone: 'Europe/Berlin',
      owner: 'alice',
      configRevisionId: revision.id,
      updatedAt: now,
    }),
  );
  const channel = await dataSource.getRepository(ChannelEntity).save(
    dataSource.getRepository(ChannelEntity).create({
      brandId: brand.id,
      key: overrides.channelKey ?? 'bsky',
      connector: 'bluesky',
      status: 'active',
      configRevisionId: revision.id,
      updatedAt: now,
    }),
  );
  return { revision, brand, channel };
}
