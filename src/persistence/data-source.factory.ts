import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions, type LoggerOptions } from 'typeorm';
import { parseDatabaseUrl, SQLITE_MEMORY_PATH, type DatabaseUrl } from './database-url';
import { ENTITIES } from './entities';
import { POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from './migration-lists';
import { SnakeCaseNamingStrategy } from './snake-case.naming-strategy';
import { serializeSqliteAccess } from './sqlite-access.serializer';

export interface DataSourceFactoryOptions {
  /** Postgres only: the schema that holds every table (tests use a throwaway one per file). */
  schema?: string;
  logging?: LoggerOptions;
}

const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** The subset of a better-sqlite3 Database that the connection setup uses (the driver has no bundled types). */
interface SqlitePragmaTarget {
  pragma(source: string): unknown;
}

export function buildDataSourceOptions(
  url: DatabaseUrl,
  options: DataSourceFactoryOptions = {},
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    namingStrategy: new SnakeCaseNamingStrategy(),
    // The schema changes only through the hand-written migrations, which the app runs explicitly.
    synchronize: false,
    migrationsRun: false,
    // Rows are hydrated without calling constructors, so loading does not mint throwaway UUIDs.
    entitySkipConstructor: true,
    logging: options.logging ?? false,
  } as const;

  switch (url.dialect) {
    case 'sqlite':
      if (url.path !== SQLITE_MEMORY_PATH) {
        mkdirSync(dirname(url.path), { recursive: true });
      }
      return {
        ...common,
        type: 'better-sqlite3',
        database: url.path,
        migrations: SQLITE_MIGRATIONS,
        timeout: SQLITE_BUSY_TIMEOUT_MS,
        prepareDatabase: (db: SqlitePragmaTarget) => {
          // WAL lets the API read while a worker writes; NORMAL is durable in WAL mode except on power loss.
          db.pragma('journal_mode = WAL');
          db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          db.pragma('synchronous = NORMAL');
          db.pragma('foreign_keys = ON');
        },
      };
    case 'postgres':
      return {
        ...common,
        type: 'postgres',
        url: url.url,
        applicationName: 'metronome',
        migrations: POSTGRES_MIGRATIONS,
        ...(options.schema === undefined ? {} : postgresSchemaOptions(options.schema)),
      };
  }
}

/** The migrations' unqualified SQL must land in the same schema that TypeORM qualifies its own queries with. */
function postgresSchemaOptions(schema: string): { schema: string; extra: { options: string } } {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(
      `Postgres schema "${schema}" must be a lower-case SQL identifier (letters, digits, underscores)`,
    );
  }
  return { schema, extra: { options: `-c search_path=${schema}` } };
}

/** An initialised DataSource; on SQLite, transactions get the single connection to themselves (see the serializer). */
export async function openDataSource(
  url: DatabaseUrl | string,
  options: DataSourceFactoryOptions = {},
): Promise<DataSource> {
  const parsed = typeof url === 'string' ? parseDatabaseUrl(url) : url;
  const dataSource = await new DataSource(buildDataSourceOptions(parsed, options)).initialize();
  if (parsed.dialect === 'sqlite') {
    serializeSqliteAccess(dataSource);
  }
  return dataSource;
}

/** Applies pending migrations in one transaction and returns their names (empty when up to date). */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'all' });
  return applied.map((migration) => migration.name);
}
