import type { DataSource } from 'typeorm';
import {
  ConfigRevisionRepository,
  type BrandSyncInput,
} from '../../src/persistence/config-revision.repository';
import { BrandEntity } from '../../src/persistence/entities/brand.entity';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('ConfigRevisionRepository', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let revisions: ConfigRevisionRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    revisions = new ConfigRevisionRepository(dataSource);
  });

  afterAll(async () => {
    await db.dispose();
  });

  const hash = (char: string): string => char.repeat(64);

  it('records each configuration once, keyed by hash', async () => {
    const first = await revisions.record(
      hash('a'),
      ['config/brands.yaml'],
      { brands: 1 },
      new Date('2026-01-01T00:00:00Z'),
    );
    const again = await revisions.record(
      hash('a'),
      ['config/other.yaml'],
      { brands: 9 },
      new Date('2026-02-01T00:00:00Z'),
    );
    const other = await revisions.record(hash('b'), ['config/brands.yaml'], { brands: 2 });

    expect(again).toEqual(first);
    expect(first).toMatchObject({ sources: ['config/brands.yaml'], summary: { brands: 1 } });
    expect(first.loadedAt).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(other.id).not.toBe(first.id);
  });

  it('upserts brands and channels, disabling channels that left the configuration', async () => {
    const acme = (channels: BrandSyncInput['channels'], name = 'Acme'): BrandSyncInput => ({
      id: 'acme',
      name,
      timezone: 'Europe/Berlin',
      owner: 'alice',
      channels,
    });
    const v1 = await revisions.record(hash('1'), ['config/brands.yaml'], {});
    const v2 = await revisions.record(hash('2'), ['config/brands.yaml'], {});
    const v3 = await revisions.record(hash('3'), ['config/brands.yaml'], {});

    const first = await revisions.syncBrandsAndChannels(v1.id, [
      acme([
        { key: 'bsky', connector: 'bluesky' },
        { key: 'masto', connector: 'mastodon' },
      ]),
      {
        id: 'globex',
        name: 'Globex',
        timezone: 'UTC',
        owner: 'bob',
        channels: [{ key: 'bsky', connector: 'bluesky' }],
      },
    ]);
    const channels = dataSource.getRepository(ChannelEntity);
    const mastoBefore = await channels.findOneByOrFail({ brandId: 'acme', key: 'masto' });
    await channels.update({ id: mastoBefore.id }, { status: 'needs_reconnect' });

    // v2 drops acme/bsky and the whole globex brand, renames acme and moves masto to another connector.
    const second = await revisions.syncBrandsAndChannels(v2.id, [
      acme([{ key: 'masto', connector: 'mastodon-v2' }], 'Acme Inc.'),
    ]);

    expect(first).toEqual({ brands: 2, channelsCreated: 3, channelsUpdated: 0, channelsDisabled: 0 });
    expect(second).toEqual({ brands: 1, channelsCreated: 0, channelsUpdated: 1, channelsDisabled: 2 });
    const rows = await channels.find({ order: { brandId: 'ASC', key: 'ASC' } });
    expect(rows.map(({ brandId, key, connector, status }) => ({ brandId, key, connector, status }))).toEqual([
      { brandId: 'acme', key: 'bsky', connector: 'bluesky', status: 'disabled' },
      { brandId: 'acme', key: 'masto', connector: 'mastodon-v2', status: 'needs_reconnect' },
      { brandId: 'globex', key: 'bsky', connector: 'bluesky', status: 'disabled' },
    ]);
    expect(rows.find((row) => row.key === 'masto')?.id).toBe(mastoBefore.id);
    expect(await dataSource.getRepository(BrandEntity).findOneByOrFail({ id: 'acme' })).toMatchObject({
      name: 'Acme Inc.',
      configRevisionId: v2.id,
    });
    expect(await dataSource.getRepository(BrandEntity).count()).toBe(2);

    // v3 brings acme/bsky back: the same row, active again.
    const bskyBefore = rows.find((row) => row.brandId === 'acme' && row.key === 'bsky');
    const third = await revisions.syncBrandsAndChannels(v3.id, [
      acme([
        { key: 'bsky', connector: 'bluesky' },
        { key: 'masto', connector: 'mastodon-v2' },
      ]),
    ]);
    const bskyAfter = await channels.findOneByOrFail({ brandId: 'acme', key: 'bsky' });

    expect(third).toEqual({ brands: 1, channelsCreated: 0, channelsUpdated: 2, channelsDisabled: 0 });
    expect(bskyAfter).toMatchObject({ id: bskyBefore?.id, status: 'active', configRevisionId: v3.id });
  });

  it('changes nothing when any write in the sync fails', async () => {
    const revision = await revisions.record(hash('4'), ['config/brands.yaml'], {});
    const before = await dataSource.getRepository(ChannelEntity).find({ order: { id: 'ASC' } });

    await expect(
      revisions.syncBrandsAndChannels(revision.id, [
        {
          id: 'initech',
          name: 'Initech',
          timezone: 'UTC',
          owner: 'peter',
          channels: [{ key: 'x', connector: 'x' }],
        },
        // The same channel twice breaks the (brand_id, key) uniqueness half-way through.
        {
          id: 'acme',
          name: 'Acme',
          timezone: 'UTC',
          owner: 'alice',
          channels: [
            { key: 'dup', connector: 'a' },
            { key: 'dup', connector: 'b' },
          ],
        },
      ]),
    ).rejects.toThrow();

    expect(await dataSource.getRepository(BrandEntity).findOneBy({ id: 'initech' })).toBeNull();
    expect(await dataSource.getRepository(ChannelEntity).find({ order: { id: 'ASC' } })).toEqual(before);
  });
});
