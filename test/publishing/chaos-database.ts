import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../../src/persistence/data-source.factory';
import { parseDatabaseUrl } from '../../src/persistence/database-url';

export interface ChaosDatabase {
  /** What the worker processes get as DATABASE_URL. */
  url: string;
  /** The test's own connection (open it after the CLI created the schema). */
  open(): Promise<DataSource>;
  dispose(): Promise<void>;
}

/**
 * A database the worker processes can reach through DATABASE_URL alone: a SQLite file (WAL) in the
 * workspace, or a throwaway Postgres database beside the one METRONOME_TEST_DATABASE_URL names (a schema
 * per test cannot be expressed in DATABASE_URL).
 */
export async function createChaosDatabase(
  dialect: 'sqlite' | 'postgres',
  workspaceDir: string,
): Promise<ChaosDatabase> {
  const opened: DataSource[] = [];
  const open = async (url: string) => {
    const dataSource = await openDataSource(parseDatabaseUrl(url));
    opened.push(dataSource);
    return dataSource;
  };
  const closeAll = async () => {
    for (const dataSource of opened.splice(0)) {
      if (dataSource.isInitialized) {
        await dataSource.destroy();
      }
    }
  };
  if (dialect === 'sqlite') {
    const url = `sqlite:${join(workspaceDir, 'chaos.db')}`;
    return { url, open: () => open(url), dispose: closeAll };
  }
  const adminUrl = process.env.METRONOME_TEST_DATABASE_URL;
  if (!adminUrl?.startsWith('postgres')) {
    throw new Error(
      'METRONOME_TEST_DATABASE_URL must name a Postgres database to run the chaos test on Postgres',
    );
  }
  const name = `metronome_chaos_${randomBytes(5).toString('hex')}`;
  const admin = await open(adminUrl);
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    open: () => open(url.toString()),
    dispose: async () => {
      await closeAll();
      const dropper = await open(adminUrl);
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await closeAll();
    },
  };
}
