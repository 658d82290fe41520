import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { DatabaseCredentialStore } from '../../src/credentials/database-credential-store';
import { parseSecretKey, SecretKeySource } from '../../src/credentials/secret-key';
import { openDataSource, runMigrations } from '../../src/persistence/data-source.factory';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { seedChannel } from '../persistence/seed.factory';

/** Runs the built CLI exactly as a user would (npm test builds it first). */
jest.setTimeout(180_000);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

const oldKeyText = randomBytes(32).toString('base64');
const newKeyText = randomBytes(32).toString('hex');
const oldKey = parseSecretKey(oldKeyText, 'old');
const newKey = parseSecretKey(newKeyText, 'new');
const ACCESS = `AQVsecret${randomBytes(6).toString('hex')}`;

/** The environment without any key the developer's shell may hold, plus `env`. */
function metronome(args: string[], env: Record<string, string>) {
  const inherited = { ...process.env };
  delete inherited.METRONOME_SECRET_KEY;
  delete inherited.METRONOME_SECRET_KEY_FILE;
  delete inherited.METRONOME_NEW_SECRET_KEY;
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...inherited, LOG_LEVEL: 'warn', ...env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function storeOn(
  path: string,
  keyText: string,
): Promise<{ store: DatabaseCredentialStore; close: () => Promise<void>; dataSource: DataSource }> {
  const dataSource = await openDataSource({ dialect: 'sqlite', path });
  await runMigrations(dataSource);
  return {
    dataSource,
    store: new DatabaseCredentialStore(
      new TransactionContext(dataSource),
      new SecretKeySource({ METRONOME_SECRET_KEY: keyText }),
    ),
    close: () => dataSource.destroy(),
  };
}

describe('metronome secrets, and starting with encrypted tokens', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-secrets-'));
  const dbPath = join(dir, 'm.db');
  const env = { DATABASE_URL: `sqlite:${dbPath}` };
  const channels: string[] = [];

  beforeAll(async () => {
    const { dataSource, store, close } = await storeOn(dbPath, oldKeyText);
    try {
      for (const key of ['linkedin', 'threads']) {
        const id = (await seedChannel(dataSource, { channelKey: key })).channel.id;
        channels.push(id);
        await store.save(
          id,
          { accessToken: `${ACCESS}-${key}`, refreshToken: `refresh-${ACCESS}` },
          { actor: 'maya', at: new Date('2026-12-07T10:00:00.000Z') },
        );
      }
    } finally {
      await close();
    }
  });

  it('status names the rows, their key id, and whether the key in force opens them', () => {
    const opened = metronome(['secrets', 'status'], { ...env, METRONOME_SECRET_KEY: oldKeyText });
    expect(opened.code).toBe(0);
    expect(opened.stdout).toContain('channels with stored tokens: 2');
    expect(opened.stdout).toContain(`key ${oldKey.id}: 2 channels (the key in force)`);
    expect(opened.stdout).toContain(`METRONOME_SECRET_KEY: key ${oldKey.id}, opens all of them`);
    const keyless = metronome(['secrets', 'status'], env);
    expect(keyless.code).toBe(1);
    expect(keyless.stdout).toContain('METRONOME_SECRET_KEY: not set: the tokens cannot be read');
  });

  it('start (and inbox poll) stop with one clear paragraph and exit 2 when tokens are held and no key is set', () => {
    const configDir = mkdtempSync(join(tmpdir(), 'metronome-secrets-config-'));
    const configFile = join(configDir, 'metronome.yaml');
    writeFileSync(
      configFile,
      readFileSync('config/metronome.yaml', 'utf8').replace('folder: content/demo', 'folder: .'),
    );
    const started = metronome(['start', '--port', '0', '--config', configFile], env);
    expect(started.code).toBe(2);
    expect(started.stderr).toContain(
      `metronome: the database holds the encrypted OAuth tokens of 2 channels (key id ${oldKey.id}), but METRONOME_SECRET_KEY is not set`,
    );
    expect(started.stderr).toContain('openssl rand -base64 32');
    expect(started.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(started.stdout).not.toContain('Metronome ready');
    // A one-off command that builds connectors stops the same way, before reading any inbox.
    const polled = metronome(['inbox', 'poll', '--config', configFile], env);
    expect(polled.code).toBe(2);
    expect(polled.stderr).toContain('but METRONOME_SECRET_KEY is not set');
    expect(polled.stdout).not.toContain('read:');
  });

  it('rotate-key: refuses without both keys, re-encrypts every row, and says to switch the key', async () => {
    const missingCurrent = metronome(['secrets', 'rotate-key'], {
      ...env,
      METRONOME_NEW_SECRET_KEY: newKeyText,
    });
    expect(missingCurrent.code).toBe(2);
    expect(missingCurrent.stderr).toContain('METRONOME_SECRET_KEY is not set');
    const missingNew = metronome(['secrets', 'rotate-key'], { ...env, METRONOME_SECRET_KEY: oldKeyText });
    expect(missingNew.code).toBe(2);
    expect(missingNew.stderr).toContain(
      'no new key: pass --new-key-file <path> or set METRONOME_NEW_SECRET_KEY',
    );
    const badFile = join(dir, 'bad.key');
    writeFileSync(badFile, 'not a key\n');
    const bad = metronome(['secrets', 'rotate-key', '--new-key-file', badFile], {
      ...env,
      METRONOME_SECRET_KEY: oldKeyText,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--new-key-file ${badFile} is not a usable key`);

    const keyFile = join(dir, 'new.key');
    writeFileSync(keyFile, `${newKeyText}\n`);
    const rotated = metronome(['secrets', 'rotate-key', '--new-key-file', keyFile], {
      ...env,
      METRONOME_SECRET_KEY: oldKeyText,
    });
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(
      `re-encrypted the tokens of 2 channels under key ${newKey.id} (was ${oldKey.id}).`,
    );
    expect(rotated.stdout).toContain(
      `Now set METRONOME_SECRET_KEY to the new key (key id ${newKey.id}) before Metronome next starts`,
    );
    expect(rotated.stdout + rotated.stderr).not.toContain(ACCESS);

    const { store, close } = await storeOn(dbPath, newKeyText);
    try {
      expect(await store.read(channels[0])).toMatchObject({ accessToken: `${ACCESS}-linkedin` });
      expect(await store.read(channels[1])).toMatchObject({ accessToken: `${ACCESS}-threads` });
      expect(await store.keyUsage()).toEqual([{ keyId: newKey.id, rows: 2 }]);
    } finally {
      await close();
    }
    expect(metronome(['secrets', 'status'], { ...env, METRONOME_SECRET_KEY: newKeyText }).code).toBe(0);
    const stale = metronome(['secrets', 'status'], { ...env, METRONOME_SECRET_KEY: oldKeyText });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('does not open the tokens of 2 channels');
  });

  it('start with the old key after a rotation names both key ids and rotate-key', () => {
    const configDir = mkdtempSync(join(tmpdir(), 'metronome-secrets-config-'));
    const configFile = join(configDir, 'metronome.yaml');
    writeFileSync(
      configFile,
      readFileSync('config/metronome.yaml', 'utf8').replace('folder: content/demo', 'folder: .'),
    );
    const started = metronome(['start', '--port', '0', '--config', configFile], {
      ...env,
      METRONOME_SECRET_KEY: oldKeyText,
    });
    expect(started.code).toBe(2);
    expect(started.stderr).toContain(
      `2 of them were encrypted under key ${newKey.id} while METRONOME_SECRET_KEY is key ${oldKey.id}`,
    );
    expect(started.stderr).toContain('metronome secrets rotate-key');
    expect(started.stderr).not.toMatch(/\n\s+at /);
  });
});
