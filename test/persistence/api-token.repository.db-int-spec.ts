import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { API_SCOPES } from '../../src/http/api-scopes';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { runMigrations } from '../../src/persistence/data-source.factory';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('ApiTokenRepository', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let tokens: ApiTokenRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    tokens = new ApiTokenRepository(dataSource);
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('hands out the token once and stores only its sha256', async () => {
    const { plaintext, token } = await tokens.create('ci');

    expect(plaintext).toMatch(/^mtr_[A-Za-z0-9_-]{43}$/);
    expect(token.prefix).toBe(plaintext.slice(0, 8));
    const rows: Record<string, unknown>[] = await dataSource.query('SELECT * FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(plaintext.slice(4));
    expect(rows).toEqual([
      expect.objectContaining({
        name: 'ci',
        token_hash: createHash('sha256').update(plaintext).digest('hex'),
      }),
    ]);
  });

  it('verifies a token and refreshes last use at most once a minute', async () => {
    const { plaintext, token } = await tokens.create(
      'dashboard',
      undefined,
      new Date('2026-01-01T00:00:00.000Z'),
    );

    const first = await tokens.verify(plaintext, new Date('2026-01-01T10:00:00.000Z'));
    const soonAfter = await tokens.verify(plaintext, new Date('2026-01-01T10:00:59.000Z'));
    const stored = await tokens.list();
    const later = await tokens.verify(plaintext, new Date('2026-01-01T10:01:00.000Z'));

    expect(first?.id).toBe(token.id);
    expect(soonAfter?.lastUsedAt).toEqual(new Date('2026-01-01T10:00:00.000Z'));
    expect(stored.find((row) => row.id === token.id)?.lastUsedAt).toEqual(
      new Date('2026-01-01T10:00:00.000Z'),
    );
    expect(later?.lastUsedAt).toEqual(new Date('2026-01-01T10:01:00.000Z'));
    const storedLater = await tokens.list();
    expect(storedLater.find((row) => row.id === token.id)?.lastUsedAt).toEqual(
      new Date('2026-01-01T10:01:00.000Z'),
    );
  });

  it('rejects unknown, malformed and revoked tokens', async () => {
    const { plaintext } = await tokens.create('old-ci');

    expect(await tokens.verify(`${plaintext}x`)).toBeNull();
    expect(await tokens.verify('not-a-token')).toBeNull();
    expect((await tokens.revoke('old-ci'))?.revokedAt).toBeInstanceOf(Date);
    expect(await tokens.verify(plaintext)).toBeNull();
    expect(await tokens.revoke('old-ci')).toBeNull();
  });

  it('revokes by id, refuses a duplicate active name and frees the name once revoked', async () => {
    const { token } = await tokens.create('deploy');

    await expect(tokens.create('deploy')).rejects.toThrow('API token "deploy" already exists');
    expect((await tokens.revoke(token.id))?.id).toBe(token.id);
    const replacement = await tokens.create('deploy');

    expect(await tokens.verify(replacement.plaintext)).not.toBeNull();
    const deploys = (await tokens.list()).filter((row) => row.name === 'deploy');
    expect(deploys.map((row) => row.revokedAt === null)).toEqual([false, true]);
  });

  it('keeps a token made before tokens had an identity working: a service named after it, every scope, no admin', async () => {
    const scratch = await createTestDatabase();
    try {
      const old = await scratch.openMigrated();
      // Back to the schema before identities, where a token was a name and a hash (undoing later migrations too).
      const applied = (
        await old.query<Array<{ name: string }>>('SELECT name FROM migrations ORDER BY id')
      ).map((row) => row.name);
      const undone = applied.slice(applied.indexOf('ApiTokenIdentity1796040000000'));
      for (let i = 0; i < undone.length; i++) {
        await old.undoLastMigration({ transaction: 'all' });
      }
      const plaintext = 'mtr_made-before-scopes-0123456789abcdefghijklmnopq';
      const p = old.options.type === 'postgres' ? (n: number) => `$${n}` : () => '?';
      await old.query(
        `INSERT INTO "api_tokens" ("id", "name", "token_hash", "prefix", "created_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
        [
          'old-id',
          'grafana',
          createHash('sha256').update(plaintext).digest('hex'),
          plaintext.slice(0, 8),
          '2026-01-01T00:00:00.000Z',
        ],
      );
      expect(await runMigrations(old)).toEqual(undone);
      expect(undone[0]).toBe('ApiTokenIdentity1796040000000');

      const migrated = await new ApiTokenRepository(old).verify(plaintext);
      expect(migrated).toMatchObject({
        name: 'grafana',
        person: null,
        service: 'grafana',
        scopes: [...API_SCOPES],
        brands: null,
        admin: false,
      });
    } finally {
      await scratch.dispose();
    }
  });
});
