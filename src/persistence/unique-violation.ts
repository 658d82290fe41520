import { QueryFailedError } from 'typeorm';

/** Lets callers turn a lost insert race or a duplicate into a domain answer, on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) {
    return false;
  }
  const code: unknown = (error.driverError as { code?: unknown } | undefined)?.code;
  // 23505: Postgres unique_violation. SQLite reports primary-key clashes with their own code.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
