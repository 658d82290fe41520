import { isAbsolute, resolve } from 'node:path';

export type DatabaseUrl = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export const DEFAULT_DATABASE_URL = 'sqlite:data/metronome.db';

export const SQLITE_MEMORY_PATH = ':memory:';

const ACCEPTED_FORMS =
  'sqlite:PATH (relative to the working directory, e.g. sqlite:data/metronome.db), sqlite::memory:, ' +
  'or postgres://USER:PASSWORD@HOST:PORT/DATABASE (postgresql:// is accepted too)';

export interface ParseDatabaseUrlOptions {
  /** Base for relative SQLite paths; defaults to process.cwd(). */
  cwd?: string;
  /** Named in error messages, so a bad test URL does not blame DATABASE_URL. */
  variableName?: string;
}

/** Unset or blank means the embedded default, so `metronome start` works with no configuration. */
export function parseDatabaseUrl(
  value: string | undefined,
  options: ParseDatabaseUrlOptions = {},
): DatabaseUrl {
  const variableName = options.variableName ?? 'DATABASE_URL';
  const raw = value?.trim() || DEFAULT_DATABASE_URL;
  const fail = (why: string): never => {
    throw new Error(`${variableName}="${maskPassword(raw)}" ${why}: use ${ACCEPTED_FORMS}`);
  };

  if (/^postgres(ql)?:\/\//i.test(raw)) {
    if (!URL.canParse(raw) || new URL(raw).hostname === '') {
      return fail('is not a valid PostgreSQL URL');
    }
    return { dialect: 'postgres', url: raw };
  }

  if (/^sqlite:/i.test(raw)) {
    const path = raw.slice('sqlite:'.length);
    if (path === '') {
      return fail('has no file path');
    }
    // sqlite:// and sqlite:/// mean different things in different tools; refuse rather than guess.
    if (path.startsWith('//')) {
      return fail('uses the ambiguous sqlite:// form');
    }
    if (path === SQLITE_MEMORY_PATH) {
      return { dialect: 'sqlite', path };
    }
    return { dialect: 'sqlite', path: isAbsolute(path) ? path : resolve(options.cwd ?? process.cwd(), path) };
  }

  return fail('is not a supported database URL');
}

/** Keeps secrets out of logs and error messages; greedy up to the last "@" so an unencoded "@" cannot leak a tail. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:).*@/i, '$1***@');
}
