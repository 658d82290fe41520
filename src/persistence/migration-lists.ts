import { InitialSchema1795871600000 as PostgresInitialSchema } from './migrations/postgres/1795871600000-initial-schema';
import { InitialSchema1795871600000 as SqliteInitialSchema } from './migrations/sqlite/1795871600000-initial-schema';
import { ContentImport1795900000000 as PostgresContentImport } from './migrations/postgres/1795900000000-content-import';
import { ContentImport1795900000000 as SqliteContentImport } from './migrations/sqlite/1795900000000-content-import';

/** Each dialect has its own hand-written migrations; append new ones, never edit a committed one. */
export const SQLITE_MIGRATIONS = [SqliteInitialSchema, SqliteContentImport];

export const POSTGRES_MIGRATIONS = [PostgresInitialSchema, PostgresContentImport];
