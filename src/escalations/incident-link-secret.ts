import { Logger } from '@nestjs/common';
import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PluginStateRepository } from '../persistence/plugin-state.repository';

/** Where versions before 0.2 kept a generated link secret, in plain text: removed when found. */
const LEGACY_STATE = ['metronome', 'system', 'incident-link-secret'] as const;

/** Beside the SQLite database: the key of a single node that was given no METRONOME_SECRET_KEY. */
export const LINK_KEY_FILE = 'incident-links.key';

/** The link key derived from METRONOME_SECRET_KEY: the same on every replica that has the same secret. */
export function deriveIncidentLinkKey(secretKey: string): string {
  return Buffer.from(hkdfSync('sha256', secretKey, 'metronome', 'incident links v1', 32)).toString(
    'base64url',
  );
}

/**
 * The key that signs acknowledge/resolve links, never stored in the database:
 * - derived from METRONOME_SECRET_KEY when it is set (give every replica the same one);
 * - else METRONOME_LINK_SECRET (the older setting, used as it is);
 * - else, on SQLite (one node), a random key kept in a file beside the database, readable by its owner only;
 * - else none: on Postgres without a shared secret, replicas could not check each other's links, so
 *   notifications carry no links (said once, with the fix).
 * A secret an older version kept in plain text in plugin_state is deleted.
 * `sqliteDatabaseFile` is the SQLite database's file (`:memory:` for one in memory), undefined on Postgres.
 */
export async function incidentLinkKey(
  sqliteDatabaseFile: string | undefined,
  state: PluginStateRepository,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  await state.delete(...LEGACY_STATE);
  if (env.METRONOME_SECRET_KEY) {
    if (env.METRONOME_SECRET_KEY.length < 32) {
      throw new Error(
        'METRONOME_SECRET_KEY must be at least 32 characters: generate one with `openssl rand -base64 32`',
      );
    }
    return deriveIncidentLinkKey(env.METRONOME_SECRET_KEY);
  }
  if (env.METRONOME_LINK_SECRET) {
    return env.METRONOME_LINK_SECRET;
  }
  if (sqliteDatabaseFile !== undefined) {
    return sqliteDatabaseFile === ':memory:'
      ? randomBytes(32).toString('base64url')
      : fileKey(join(dirname(sqliteDatabaseFile), LINK_KEY_FILE));
  }
  new Logger('IncidentLinks').warn(
    'METRONOME_SECRET_KEY is not set: incident notifications go out without acknowledge/resolve links. ' +
      'Set it to the same value on every replica (`openssl rand -base64 32`) to have them.',
  );
  return undefined;
}

/** A random key kept in `path`, readable by its owner only; created on first use (the first writer wins). */
export function fileKey(path: string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      // wx: two processes starting at once keep whichever key was written first.
      writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
  }
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}
