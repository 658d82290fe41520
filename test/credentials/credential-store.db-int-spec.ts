import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSource } from 'typeorm';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { FakeClock } from '../../src/clock/fake.clock';
import { credentialKeyProblem } from '../../src/credentials/credential-key.check';
import { TokenRefresher } from '../../src/credentials/credential-store';
import { DatabaseCredentialStore } from '../../src/credentials/database-credential-store';
import { OAuthCredentialsFactory } from '../../src/credentials/oauth-credentials.factory';
import { parseSecretKey, SecretKeyError, SecretKeySource } from '../../src/credentials/secret-key';
import { TokenDecryptionError } from '../../src/credentials/token-cipher';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { AuthenticationError, type OAuthTokens } from '../../src/plugin-sdk';
import { seedChannel } from '../persistence/seed.factory';
import { createTestDatabase, testDialect, type TestDatabase } from '../persistence/test-database';

const oldKeyText = randomBytes(32).toString('base64');
const newKeyText = randomBytes(32).toString('hex');
const oldKey = parseSecretKey(oldKeyText, 'old');
const newKey = parseSecretKey(newKeyText, 'new');
const at = new Date('2026-12-07T10:00:00.000Z');

function tokens(access: string, overrides: Partial<OAuthTokens> = {}): OAuthTokens {
  return {
    accessToken: access,
    refreshToken: `refresh-of-${access}`,
    expiresAt: new Date('2027-02-05T10:00:00.000Z'),
    refreshExpiresAt: new Date('2027-12-07T10:00:00.000Z'),
    scopes: ['w_member_social'],
    account: { organization: 'urn:li:organization:42' },
    ...overrides,
  };
}

describe('DatabaseCredentialStore (channel_tokens, encrypted)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: DatabaseCredentialStore;
  const storeWith = (env: NodeJS.ProcessEnv) =>
    new DatabaseCredentialStore(new TransactionContext(dataSource), new SecretKeySource(env));
  const newChannel = async () => (await seedChannel(dataSource)).channel.id;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    store = storeWith({ METRONOME_SECRET_KEY: oldKeyText });
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('saves a connect and reads it back, with who connected and version 1; a reconnect replaces it', async () => {
    const channel = await newChannel();
    expect(await store.read(channel)).toBeUndefined();
    expect(await store.save(channel, tokens('first'), { actor: 'maya', at })).toBe(true);
    expect(await store.read(channel)).toEqual({
      ...tokens('first'),
      channelId: channel,
      version: 1,
      connectedBy: 'maya',
      connectedAt: at,
    });
    await store.save(channel, tokens('renewed'), { actor: 'maya', at, expectedVersion: 1 });
    const later = new Date(at.getTime() + 60_000);
    await store.save(channel, { accessToken: 'second' }, { actor: 'omar', at: later });
    const reconnected = await store.read(channel);
    expect(reconnected).toEqual({
      accessToken: 'second',
      channelId: channel,
      version: 3,
      connectedBy: 'omar',
      connectedAt: later,
    });
  });

  it('a refresh saves only over the version it read: the loser of a race gets false and its tokens are dropped', async () => {
    const channel = await newChannel();
    await store.save(channel, tokens('v1'), { actor: 'maya', at });
    const refreshedAt = new Date(at.getTime() + 3_600_000);
    expect(
      await store.save(channel, tokens('v2'), { actor: 'refresher', at: refreshedAt, expectedVersion: 1 }),
    ).toBe(true);
    expect(
      await store.save(channel, tokens('stale'), { actor: 'refresher', at: refreshedAt, expectedVersion: 1 }),
    ).toBe(false);
    const read = await store.read(channel);
    expect(read).toMatchObject({ accessToken: 'v2', version: 2, connectedBy: 'maya', refreshedAt });

    const racing = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name) =>
        store.save(channel, tokens(name), { actor: 'refresher', at, expectedVersion: 2 }),
      ),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
    const winner = ['a', 'b', 'c', 'd'][racing.indexOf(true)];
    expect(await store.read(channel)).toMatchObject({ accessToken: winner, version: 3 });
    // A refresh of a channel that was never connected saves nothing.
    expect(await store.save(await newChannel(), tokens('x'), { actor: 'r', at, expectedVersion: 0 })).toBe(
      false,
    );
  });

  it('holds one refresh lease per channel: free, ended or the holder’s own may be taken', async () => {
    const channel = await newChannel();
    await store.save(channel, tokens('t'), { actor: 'maya', at });
    const plus = (seconds: number) => new Date(at.getTime() + seconds * 1000);
    expect(await store.claimRefresh(channel, 'worker-a', at, plus(30))).toBe(true);
    expect(await store.claimRefresh(channel, 'worker-b', plus(10), plus(40))).toBe(false);
    expect(await store.claimRefresh(channel, 'worker-a', plus(10), plus(60))).toBe(true);
    // worker-a extended to 60 s: at 45 s it still holds it.
    expect(await store.claimRefresh(channel, 'worker-b', plus(45), plus(75))).toBe(false);
    expect(await store.claimRefresh(channel, 'worker-b', plus(60), plus(90))).toBe(true);
    await store.releaseRefresh(channel, 'worker-a'); // not the holder any more: changes nothing
    expect(await store.claimRefresh(channel, 'worker-c', plus(61), plus(91))).toBe(false);
    await store.releaseRefresh(channel, 'worker-b');
    expect(await store.claimRefresh(channel, 'worker-c', plus(61), plus(91))).toBe(true);

    const racing = await Promise.all(
      ['p', 'q', 'r'].map((owner) => store.claimRefresh(channel, owner, plus(200), plus(230))),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
    // No tokens, no lease.
    expect(await store.claimRefresh(await newChannel(), 'worker-a', at, plus(30))).toBe(false);
  });

  it('lists the expiry facts without any key, and forgets a removed or deleted channel', async () => {
    const renewable = await newChannel();
    const plain = await newChannel();
    await store.save(renewable, tokens('r'), { actor: 'maya', at });
    await store.save(plain, { accessToken: 'p' }, { actor: 'maya', at });
    const keyless = storeWith({});
    const expiries = await keyless.expiries();
    expect(expiries.find((e) => e.channelId === renewable)).toEqual({
      channelId: renewable,
      expiresAt: new Date('2027-02-05T10:00:00.000Z'),
      refreshExpiresAt: new Date('2027-12-07T10:00:00.000Z'),
      renewable: true,
      version: 1,
    });
    expect(expiries.find((e) => e.channelId === plain)).toEqual({
      channelId: plain,
      renewable: false,
      version: 1,
    });
    expect(JSON.stringify(expiries)).not.toContain('refresh-of-r');

    await store.remove(plain);
    expect(await store.read(plain)).toBeUndefined();
    await dataSource.getRepository(ChannelEntity).delete({ id: renewable });
    const left = (await store.expiries()).map((e) => e.channelId);
    expect(left).not.toContain(plain);
    expect(left).not.toContain(renewable);
  });

  it('without a key: works until a row must be read or written, then names METRONOME_SECRET_KEY', async () => {
    const channel = await newChannel();
    await store.save(channel, tokens('held'), { actor: 'maya', at });
    const keyless = storeWith({});
    expect(await keyless.read(await newChannel())).toBeUndefined();
    await expect(keyless.read(channel)).rejects.toThrow(SecretKeyError);
    await expect(keyless.read(channel)).rejects.toThrow(/METRONOME_SECRET_KEY is not set.*openssl rand/);
    await expect(keyless.save(channel, tokens('x'), { actor: 'maya', at })).rejects.toThrow(SecretKeyError);
    expect(await store.read(channel)).toMatchObject({ accessToken: 'held' });
  });

  it('a row copied onto another channel does not open', async () => {
    const source = await newChannel();
    const target = await newChannel();
    await store.save(source, tokens('source'), { actor: 'maya', at });
    await store.save(target, tokens('target'), { actor: 'maya', at });
    const p = testDialect() === 'postgres' ? (i: number) => `$${i}` : () => '?';
    const [copied] = await dataSource.query<Array<{ iv: string; ciphertext: string; tag: string }>>(
      `SELECT "iv", "ciphertext", "tag" FROM "channel_tokens" WHERE "channel_id" = ${p(1)}`,
      [source],
    );
    await dataSource.query(
      `UPDATE "channel_tokens" SET "iv" = ${p(1)}, "ciphertext" = ${p(2)}, "tag" = ${p(3)} WHERE "channel_id" = ${p(4)}`,
      [copied.iv, copied.ciphertext, copied.tag, target],
    );
    await expect(store.read(target)).rejects.toThrow(TokenDecryptionError);
  });

  it('the startup check: nothing to say without rows; rows without a key, or under another key, are named', async () => {
    const empty = await createTestDatabase();
    try {
      const fresh = new DatabaseCredentialStore(
        new TransactionContext(await empty.openMigrated()),
        new SecretKeySource({}),
      );
      expect(await credentialKeyProblem(fresh, new SecretKeySource({}))).toBeUndefined();
    } finally {
      await empty.dispose();
    }
    await store.save(await newChannel(), tokens('t'), { actor: 'maya', at });
    expect(await credentialKeyProblem(store, new SecretKeySource({ METRONOME_SECRET_KEY: oldKeyText }))).toBe(
      undefined,
    );
    const missing = await credentialKeyProblem(store, new SecretKeySource({}));
    expect(missing).toMatch(
      new RegExp(
        `encrypted OAuth tokens of \\d+ channels \\(key id ${oldKey.id}\\), but METRONOME_SECRET_KEY is not set`,
      ),
    );
    expect(missing).toContain('metronome channels connect <brand>/<channel>');
    const other = await credentialKeyProblem(
      store,
      new SecretKeySource({ METRONOME_SECRET_KEY: newKeyText }),
    );
    expect(other).toContain(`while METRONOME_SECRET_KEY is key ${newKey.id}`);
    expect(other).toContain('metronome secrets rotate-key');
    const malformed = await credentialKeyProblem(
      store,
      new SecretKeySource({ METRONOME_SECRET_KEY: 'hunter2' }),
    );
    expect(malformed).toContain('METRONOME_SECRET_KEY is not a usable key');
    expect(malformed).not.toContain('hunter2');
  });

  it('the database file never holds a token in clear (nor its base64), though it holds the clear columns', async () => {
    const channel = await newChannel();
    const access = `AQXclear${randomBytes(8).toString('hex')}`;
    await store.save(channel, tokens(access), { actor: 'clear-text-marker-actor', at });
    const row = JSON.stringify(await dataSource.query(`SELECT * FROM "channel_tokens"`));
    expect(row).toContain('clear-text-marker-actor');
    expect(row).not.toContain(access);
    if (testDialect() !== 'sqlite') {
      return; // Postgres keeps its files on the server: the rows read above are what this run can check there.
    }
    const path = (db.url as { path: string }).path;
    const bytes = Buffer.concat(
      readdirSync(dirname(path))
        .filter((name) => name.startsWith('test.db'))
        .map((name) => readFileSync(`${dirname(path)}/${name}`)),
    );
    // The scan sees what was written in clear (else it proves nothing)…
    expect(bytes.includes('clear-text-marker-actor')).toBe(true);
    // …and none of the token material.
    for (const secret of [access, `refresh-of-${access}`]) {
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(Buffer.from(secret).toString('base64').slice(0, 16))).toBe(false);
    }
  });

  it('rotates every row to a new key in one transaction; the old key opens none afterwards', async () => {
    const rotating = await createTestDatabase();
    try {
      const source = await rotating.openMigrated();
      const old = new DatabaseCredentialStore(
        new TransactionContext(source),
        new SecretKeySource({ METRONOME_SECRET_KEY: oldKeyText }),
      );
      const channels = [];
      for (let i = 0; i < 3; i += 1) {
        const id = (await seedChannel(source)).channel.id;
        channels.push(id);
        await old.save(id, tokens(`t${i}`), { actor: 'maya', at });
      }
      // A damaged row stops the rotation, and nothing is re-encrypted.
      const original = await source.query(
        `SELECT "tag" FROM "channel_tokens" WHERE "channel_id" = '${channels[2]}'`,
      );
      await source.query(
        `UPDATE "channel_tokens" SET "tag" = 'AAAAAAAAAAAAAAAAAAAAAA==' WHERE "channel_id" = '${channels[2]}'`,
      );
      await expect(old.rotateKey(oldKey, newKey)).rejects.toThrow(TokenDecryptionError);
      expect(await old.keyUsage()).toEqual([{ keyId: oldKey.id, rows: 3 }]);
      await source.query(
        `UPDATE "channel_tokens" SET "tag" = '${original[0].tag}' WHERE "channel_id" = '${channels[2]}'`,
      );

      expect(await old.rotateKey(oldKey, newKey)).toBe(3);
      expect(await old.keyUsage()).toEqual([{ keyId: newKey.id, rows: 3 }]);
      const rotated = new DatabaseCredentialStore(
        new TransactionContext(source),
        new SecretKeySource({ METRONOME_SECRET_KEY: newKeyText }),
      );
      for (const [i, id] of channels.entries()) {
        expect(await rotated.read(id)).toMatchObject({ accessToken: `t${i}`, version: 1 });
        await expect(old.read(id)).rejects.toThrow(SecretKeyError);
      }
      // Run again (an interrupted rotation retried): nothing left to do.
      expect(await old.rotateKey(oldKey, newKey)).toBe(0);
    } finally {
      await rotating.dispose();
    }
  });
});

describe('OAuthCredentialsFactory (context.credentials)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: DatabaseCredentialStore;
  const clock = new FakeClock('2026-12-07T10:00:00.000Z');

  /** Renews by saving new tokens over the version it read, as the OAuth flow's refresher does. */
  class SavingRefresher extends TokenRefresher {
    readonly calls: string[] = [];
    constructor(private readonly answer: boolean) {
      super();
    }
    async refresh(channelId: string, reason: string): Promise<boolean> {
      this.calls.push(reason);
      if (!this.answer) {
        return false;
      }
      const held = await store.read(channelId);
      return store.save(
        channelId,
        tokens(`renewed-${this.calls.length}`, { expiresAt: new Date(clock.nowMs() + 3_600_000) }),
        { actor: 'refresher', at: clock.now(), expectedVersion: held?.version },
      );
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    store = new DatabaseCredentialStore(
      new TransactionContext(dataSource),
      new SecretKeySource({ METRONOME_SECRET_KEY: oldKeyText }),
    );
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('hands out the tokens held (only OAuthTokens fields), renewing them first within a minute of expiry', async () => {
    const channel = (await seedChannel(dataSource)).channel.id;
    await store.save(channel, tokens('live', { expiresAt: new Date(clock.nowMs() + 120_000) }), {
      actor: 'maya',
      at: clock.now(),
    });
    const refresher = new SavingRefresher(true);
    const credentials = new OAuthCredentialsFactory(store, clock, refresher).for(channel, 'acme/linkedin');
    expect(await credentials.current()).toEqual(
      tokens('live', { expiresAt: new Date(clock.nowMs() + 120_000) }),
    );
    expect(refresher.calls).toHaveLength(0);
    clock.advance(60_000); // 60 s left: not yet
    expect((await credentials.current()).accessToken).toBe('live');
    clock.advance(1_000); // 59 s left
    expect((await credentials.current()).accessToken).toBe('renewed-1');
    expect(refresher.calls).toEqual(['the access token expires within a minute']);
    expect(await credentials.refresh()).toBe(true);
    expect((await credentials.current()).accessToken).toBe('renewed-2');
  });

  it('a renewal that fails hands out the tokens held; without a refresher nothing is renewed', async () => {
    const channel = (await seedChannel(dataSource)).channel.id;
    await store.save(channel, tokens('expiring', { expiresAt: clock.now() }), {
      actor: 'maya',
      at: clock.now(),
    });
    const failing = new SavingRefresher(false);
    expect(
      (await new OAuthCredentialsFactory(store, clock, failing).for(channel, 'a/b').current()).accessToken,
    ).toBe('expiring');
    expect(failing.calls).toHaveLength(1);
    const bare = new OAuthCredentialsFactory(store, clock).for(channel, 'a/b');
    expect((await bare.current()).accessToken).toBe('expiring');
    expect(await bare.refresh()).toBe(false);
  });

  it('a channel never connected needs reconnecting, with the command to run', async () => {
    const channel = (await seedChannel(dataSource)).channel.id;
    const credentials = new OAuthCredentialsFactory(store, clock).for(channel, 'acme/linkedin');
    await expect(credentials.current()).rejects.toThrow(AuthenticationError);
    await expect(credentials.current()).rejects.toThrow('metronome channels connect acme/linkedin');
  });
});
