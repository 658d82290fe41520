import type { DataSource } from 'typeorm';
import { runMigrations } from '../../src/persistence/data-source.factory';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../src/persistence/migration-lists';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('migrations', () => {
  let db: TestDatabase;
  const all = () =>
    (db.dialect === 'postgres' ? POSTGRES_MIGRATIONS : SQLITE_MIGRATIONS).map((m) => new m().name);

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('build exactly the schema the entities describe', async () => {
    const dataSource = await db.open();
    const applied = await runMigrations(dataSource);

    expect(applied).toEqual(all());
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  // TypeORM's schema diff ignores an index's WHERE clause, so check the partial indexes directly.
  it('make the partial unique indexes partial', async () => {
    const dataSource = await db.open();
    const partial = dataSource.entityMetadatas.flatMap((entity) =>
      entity.indices.filter((index) => index.where).map((index) => index.name),
    );
    const definitions: { name: string; sql: string }[] = await dataSource.query(
      db.dialect === 'postgres'
        ? `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema()`
        : `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`,
    );
    const partialInDatabase = definitions
      .filter((index) => / WHERE /i.test(index.sql))
      .map((index) => index.name);

    expect(partial.sort()).toEqual([
      'idx_post_variants_channel_id_remote_id',
      'idx_rule_firings_fired_at_pending',
      'uq_api_tokens_name_active',
      'uq_incidents_dedup_key_unresolved',
      'uq_rule_firings_rule_subject_active',
    ]);
    expect(partialInDatabase.sort()).toEqual(partial);
  });

  it('apply nothing when run again, from the same or a new connection', async () => {
    const again = await db.open();
    expect(await runMigrations(again)).toEqual([]);
    expect(await runMigrations(again)).toEqual([]);
    expect(await again.query('SELECT name FROM migrations ORDER BY id')).toEqual(
      all().map((name) => ({ name })),
    );
  });

  it('can be reverted and re-applied', async () => {
    const dataSource: DataSource = await db.open();
    for (let i = 0; i < all().length; i++) {
      await dataSource.undoLastMigration({ transaction: 'all' });
    }
    const tables = await dataSource.createQueryRunner().getTables(['posts', 'audit_events']);
    expect(tables).toEqual([]);

    expect(await runMigrations(dataSource)).toEqual(all());
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries).toEqual([]);
  });
});
