import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource, runMigrations } from '../../src/persistence/data-source.factory';
import { parseDatabaseUrl, type DatabaseUrl } from '../../src/persistence/database-url';

/**
 * A database of its own for one test file: a temp SQLite file, or a throwaway schema in the Postgres named by
 * METRONOME_TEST_DATABASE_URL. Call dispose() in afterAll; it closes every DataSource opened through it.
 */
export interface TestDatabase {
  readonly url: DatabaseUrl;
  readonly dialect: DatabaseUrl['dialect'];
  /** Postgres only. */
  readonly schema: string | undefined;
  /** A new connection to this database, schema untouched. */
  open(): Promise<DataSource>;
  /** A new connection with migrations applied. */
  openMigrated(): Promise<DataSource>;
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const url = configuredUrl();
  return url?.dialect === 'postgres' ? createPostgresSchema(url) : createSqliteFile();
}

/** The dialect this run tests, for the few cases that only make sense on one of them. */
export function testDialect(): DatabaseUrl['dialect'] {
  return configuredUrl()?.dialect === 'postgres' ? 'postgres' : 'sqlite';
}

function configuredUrl(): DatabaseUrl | undefined {
  const configured = process.env.METRONOME_TEST_DATABASE_URL?.trim();
  return configured
    ? parseDatabaseUrl(configured, { variableName: 'METRONOME_TEST_DATABASE_URL' })
    : undefined;
}

function createSqliteFile(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-db-'));
  return track({ dialect: 'sqlite', path: join(dir, 'test.db') }, undefined, async () => {
    rmSync(dir, { recursive: true, force: true });
  });
}

async function createPostgresSchema(url: DatabaseUrl & { dialect: 'postgres' }): Promise<TestDatabase> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = await openDataSource(url);
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await admin.destroy();
  }
  return track(url, schema, async () => {
    const dropper = await openDataSource(url);
    try {
      await dropper.query(`DROP SCHEMA "${schema}" CASCADE`);
    } finally {
      await dropper.destroy();
    }
  });
}

function track(url: DatabaseUrl, schema: string | undefined, cleanUp: () => Promise<void>): TestDatabase {
  const opened: DataSource[] = [];
  const open = async (): Promise<DataSource> => {
    const dataSource = await openDataSource(url, { schema });
    opened.push(dataSource);
    return dataSource;
  };
  return {
    url,
    dialect: url.dialect,
    schema,
    open,
    async openMigrated() {
      const dataSource = await open();
      await runMigrations(dataSource);
      return dataSource;
    },
    async dispose() {
      for (const dataSource of opened.splice(0)) {
        if (dataSource.isInitialized) {
          await dataSource.destroy();
        }
      }
      await cleanUp();
    },
  };
}
