import type { DataSource } from 'typeorm';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('TransactionContext (the transaction travels in async context)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let tx: TransactionContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await db.openMigrated();
    tx = new TransactionContext(dataSource);
  });

  afterAll(async () => {
    await db.dispose();
  });

  const write = async (key: string): Promise<void> => {
    await tx.manager.query(
      `INSERT INTO "plugin_state" ("plugin", "scope", "key", "value", "updated_at") VALUES ('t', 's', '${key}', '1', '2026-01-01T00:00:00.000Z')`,
    );
  };
  const keys = async (): Promise<string[]> => {
    const rows: Array<{ key: string }> = await dataSource.query(
      `SELECT "key" FROM "plugin_state" WHERE "plugin" = 't' ORDER BY "key"`,
    );
    return rows.map((row) => row.key);
  };

  it('commits what repositories wrote through it, from any depth of calls, as one change', async () => {
    const deeper = async (): Promise<void> => write('b');
    await tx.run(async () => {
      await write('a');
      await deeper();
      expect(tx.active).toBe(true);
    });
    expect(await keys()).toEqual(['a', 'b']);
    expect(tx.active).toBe(false);
  });

  it('rolls back everything, joined work included, when the work fails, and runs no after-commit callback', async () => {
    const ran: string[] = [];
    await expect(
      tx.run(async () => {
        await write('c');
        await tx.afterCommit(() => void ran.push('after'));
        await tx.run(async (): Promise<void> => write('d'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await keys()).toEqual(['a', 'b']);
    expect(ran).toEqual([]);
  });

  it('runs after-commit callbacks once the outermost transaction has committed, outside it', async () => {
    const seen: Array<{ keys: string[]; active: boolean }> = [];
    await tx.run(async () => {
      await write('e');
      await tx.run(async () => {
        await tx.afterCommit(async () => {
          seen.push({ keys: await keys(), active: tx.active });
        });
      });
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([{ keys: ['a', 'b', 'e'], active: false }]);
  });

  it('is one context per database: another instance and the audit log join the open transaction and roll back with it', async () => {
    const other = new TransactionContext(dataSource);
    const audit = new AuditRepository(dataSource);
    const audited = async (): Promise<number> => {
      const [row] = await dataSource.query<Array<{ n: number | string }>>(
        `SELECT COUNT(*) AS "n" FROM "audit_events" WHERE "action" = 'test.joined'`,
      );
      return Number(row.n);
    };
    await expect(
      tx.run(async () => {
        await write('f');
        expect(other.active).toBe(true);
        await other.run(async (): Promise<void> => write('g'));
        await audit.append({ actor: 't', action: 'test.joined', subjectType: 't', subjectId: 'f' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await keys()).toEqual(['a', 'b', 'e']);
    expect(await audited()).toBe(0);
  });
});
