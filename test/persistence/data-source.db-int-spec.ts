import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { buildDataSourceOptions, openDataSource } from '../../src/persistence/data-source.factory';
import { PostEntity } from '../../src/content/post.entity';
import { createTestDatabase, testDialect, type TestDatabase } from './test-database';

describe('data source', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('never synchronises the schema or runs migrations by itself', () => {
    const options = buildDataSourceOptions(db.url, { schema: db.schema });
    expect(options).toMatchObject({ synchronize: false, migrationsRun: false });
  });

  it('enforces foreign keys', async () => {
    const now = new Date();
    const orphan = dataSource.getRepository(PostEntity).create({
      brandId: 'no-such-brand',
      cycleId: null,
      sourcePath: null,
      sourceHash: null,
      title: 't',
      body: 'b',
      campaign: null,
      theme: null,
      funnelStage: null,
      publishAt: null,
      state: 'draft',
      tags: [],
      createdAt: now,
      updatedAt: now,
    });

    await expect(dataSource.getRepository(PostEntity).insert(orphan)).rejects.toThrow(
      /foreign key|FOREIGN KEY/,
    );
  });

  // Skipped on SQLite on purpose: schemas exist only on Postgres; the Postgres run (.ci/run) executes it.
  (testDialect() === 'postgres' ? it : it.skip)(
    'keeps every table inside the configured Postgres schema',
    async () => {
      // Only this schema and the default one are looked at: other suites (or a run killed before it cleaned up)
      // may hold schemas of their own on the same database.
      const rows: { table_schema: string }[] = await dataSource.query(
        `SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name IN ('posts', 'migrations') AND table_schema IN ('public', $1)`,
        [db.schema],
      );
      expect(rows).toEqual([{ table_schema: db.schema }]);
    },
  );
});

describe('SQLite connection', () => {
  let dir: string;
  let dataSource: DataSource | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'metronome-sqlite-'));
  });

  afterEach(async () => {
    await dataSource?.destroy();
    dataSource = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the parent folder and uses WAL, a busy timeout, foreign keys and NORMAL sync', async () => {
    const path = join(dir, 'nested', 'deeper', 'metronome.db');

    const opened = await openDataSource(`sqlite:${path}`);
    dataSource = opened;

    expect(existsSync(path)).toBe(true);
    const pragma = async (name: string): Promise<unknown> =>
      Object.values((await opened.query(`PRAGMA ${name}`))[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('synchronous')).toBe(1); // NORMAL
  });

  it('opens an in-memory database without touching the disk', async () => {
    const opened = await openDataSource('sqlite::memory:');
    dataSource = opened;

    expect(await opened.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    expect(opened.options).toMatchObject({ database: ':memory:' });
    expect(existsSync(join(process.cwd(), ':memory:'))).toBe(false);
  });
});
