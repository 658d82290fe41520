import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileKey, LINK_KEY_FILE } from '../escalations/incident-link-secret';

/**
 * The secret media link keys are derived from (by HKDF, with their own labels, so they never equal the incident link
 * key), never stored in the database:
 * - METRONOME_SECRET_KEY when it is set: every replica with the same secret signs and accepts the same links, and
 *   rotating it invalidates every media link handed out before;
 * - else, on SQLite (one node), the random key beside the database that incident links use (`incident-links.key`),
 *   so a worker and an api process on that node agree; a fresh random one for a database in memory;
 * - else none (Postgres without a shared secret): no media links, and `publicUrl()` says how to turn them on.
 * `sqliteDatabaseFile` is the SQLite database's file (`:memory:` for one in memory), undefined on Postgres.
 */
export function mediaLinkSecret(
  sqliteDatabaseFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (env.METRONOME_SECRET_KEY) {
    if (env.METRONOME_SECRET_KEY.length < 32) {
      throw new Error(
        'METRONOME_SECRET_KEY must be at least 32 characters: generate one with `openssl rand -base64 32`',
      );
    }
    return env.METRONOME_SECRET_KEY;
  }
  if (sqliteDatabaseFile === undefined) {
    return undefined;
  }
  return sqliteDatabaseFile === ':memory:'
    ? randomBytes(32).toString('base64url')
    : fileKey(join(dirname(sqliteDatabaseFile), LINK_KEY_FILE));
}
