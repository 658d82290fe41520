import type { EntityManager } from 'typeorm';

/**
 * Positional placeholders for hand-written SQL on the hot paths (audit rows, state moves), where going
 * through TypeORM's query builders costs several times the statement itself: `?` on SQLite, `$n` on Postgres.
 */
export function placeholders(manager: EntityManager): (index: number) => string {
  return manager.connection.options.type === 'postgres' ? (index) => `$${index}` : () => '?';
}

/** Runs a hand-written UPDATE/DELETE and returns how many rows it changed, on either dialect. */
export async function executeCounting(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<number> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.affected ?? 0;
  } finally {
    if (!manager.queryRunner) {
      await runner.release();
    }
  }
}

/** A hand-written UPDATE … RETURNING "id" on either dialect (their drivers shape the result differently). */
export async function returningIds(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<string[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return ((result.records ?? []) as Array<{ id: string | number }>).map((row) => String(row.id));
  } finally {
    if (!manager.queryRunner) {
      await runner.release();
    }
  }
}
