import type { DataSource } from 'typeorm';
import { BrandRepository } from '../../src/persistence/brand.repository';
import { ConfigRevisionRepository } from '../../src/persistence/config-revision.repository';
import { BrandEntity } from '../../src/persistence/entities/brand.entity';
import { CycleEntity } from '../../src/cycles/cycle.entity';
import { BrandFirstSeen1796030000000 as PostgresBrandFirstSeen } from '../../src/persistence/migrations/postgres/1796030000000-brand-first-seen';
import { BrandFirstSeen1796030000000 as SqliteBrandFirstSeen } from '../../src/persistence/migrations/sqlite/1796030000000-brand-first-seen';
import { seedChannel } from './seed.factory';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('when a database first saw a brand', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('is recorded by the first config sync and kept by later ones; a brand added later gets its own', async () => {
    const revisions = new ConfigRevisionRepository(dataSource);
    const brands = new BrandRepository(dataSource);
    const brand = (id: string) => ({
      id,
      name: id,
      timezone: 'Europe/London',
      owner: 'maya',
      channels: [{ key: 'social', connector: 'sandbox' }],
    });
    const first = new Date('2026-11-20T09:00:00Z');
    const revision = await revisions.record('a'.repeat(64), ['metronome.yaml'], {}, first);
    await revisions.syncBrandsAndChannels(revision.id, [brand('acme')], first);
    const later = new Date('2026-12-01T10:00:00Z');
    await revisions.syncBrandsAndChannels(revision.id, [brand('acme'), brand('globex')], later);

    expect(await brands.firstSeenAt('acme')).toEqual(first);
    expect(await brands.firstSeenAt('globex')).toEqual(later);
    expect(await brands.firstSeenAt('initech')).toBeUndefined();
  });

  it('is backfilled for brands that existed before it was recorded: their earliest cycle, post or report', async () => {
    const { brand } = await seedChannel(dataSource, { brandId: 'northwind' });
    const cycles = dataSource.getRepository(CycleEntity);
    await cycles.insert(
      cycles.create({
        brandId: brand.id,
        periodStart: new Date('2026-06-01T00:00:00Z'),
        periodEnd: new Date('2026-07-01T00:00:00Z'),
        stage: 'closed',
        stageDeadlines: {},
        owner: 'alice',
        createdAt: new Date('2025-12-20T08:00:00Z'), // before the brand row's updatedAt (2026-01-01)
      }),
    );
    const migration = db.dialect === 'postgres' ? new PostgresBrandFirstSeen() : new SqliteBrandFirstSeen();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const rows = await dataSource.getRepository(BrandEntity).find({ order: { id: 'ASC' } });
    expect(rows.map((row) => [row.id, row.firstSeenAt?.toISOString()])).toEqual([
      // No cycle, post or report: the last update of its row is the only trace (a running install has cycles).
      ['acme', new Date('2026-12-01T10:00:00Z').toISOString()],
      ['globex', new Date('2026-12-01T10:00:00Z').toISOString()],
      ['northwind', '2025-12-20T08:00:00.000Z'],
    ]);
  });
});
