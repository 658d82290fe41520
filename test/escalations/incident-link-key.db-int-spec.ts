import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataSource } from 'typeorm';
import {
  deriveIncidentLinkKey,
  incidentLinkKey,
  LINK_KEY_FILE,
} from '../../src/escalations/incident-link-secret';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { incidentRepository } from './incident-service.fixture';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

describe('the key that signs incident links', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let state: PluginStateRepository;
  let sqliteDatabaseFile: string | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    state = new PluginStateRepository(dataSource);
    sqliteDatabaseFile = incidentRepository(dataSource).sqliteDatabaseFile();
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('is derived from METRONOME_SECRET_KEY (the same on every replica) and never stored', async () => {
    await state.set('metronome', 'system', 'incident-link-secret', 'left in plain text by an older version');
    const env = { METRONOME_SECRET_KEY: 'a'.repeat(44) };

    const key = await incidentLinkKey(sqliteDatabaseFile, state, env);

    expect(key).toBe(deriveIncidentLinkKey('a'.repeat(44)));
    expect(key).not.toBe(deriveIncidentLinkKey('b'.repeat(44)));
    expect(await state.get('metronome', 'system', 'incident-link-secret')).toBeUndefined();
    await expect(
      incidentLinkKey(sqliteDatabaseFile, state, { METRONOME_SECRET_KEY: 'short' }),
    ).rejects.toThrow('METRONOME_SECRET_KEY must be at least 32 characters');
  });

  it('without a secret key: a file only its owner reads beside a SQLite database, none on Postgres', async () => {
    const key = await incidentLinkKey(sqliteDatabaseFile, state, {});

    if (db.dialect === 'sqlite') {
      const file = join(dirname((db.url as { path: string }).path), LINK_KEY_FILE);
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(key);
      expect(await incidentLinkKey(sqliteDatabaseFile, state, {})).toBe(key);
    } else {
      expect(key).toBeUndefined();
    }
    expect(await state.list('metronome', 'system')).toEqual([]);
  });
});
