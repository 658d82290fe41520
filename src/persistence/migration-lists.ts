import { InitialSchema1795871600000 as PostgresInitialSchema } from './migrations/postgres/1795871600000-initial-schema';
import { InitialSchema1795871600000 as SqliteInitialSchema } from './migrations/sqlite/1795871600000-initial-schema';
import { ContentImport1795900000000 as PostgresContentImport } from './migrations/postgres/1795900000000-content-import';
import { ContentImport1795900000000 as SqliteContentImport } from './migrations/sqlite/1795900000000-content-import';
import { RuleFirings1795910000000 as PostgresRuleFirings } from './migrations/postgres/1795910000000-rule-firings';
import { RuleFirings1795910000000 as SqliteRuleFirings } from './migrations/sqlite/1795910000000-rule-firings';

/** Each dialect has its own hand-written migrations; append new ones, never edit a committed one. */
export const SQLITE_MIGRATIONS = [SqliteInitialSchema, SqliteContentImport, SqliteRuleFirings];

export const POSTGRES_MIGRATIONS = [PostgresInitialSchema, PostgresContentImport, PostgresRuleFirings];
