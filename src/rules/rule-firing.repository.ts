import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { RuleFiringEntity } from './rule-firing.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import { isUniqueViolation } from '../persistence/unique-violation';

/** Firings per multi-row INSERT. */
const FIRINGS_PER_INSERT = 400;
/** Ids per `acted_at` UPDATE. */
const IDS_PER_UPDATE = 500;

/** A firing to record: a rule whose condition held for a subject. */
export interface NewRuleFiring {
  id: string;
  rule: string;
  subjectKey: string;
  brandId: string;
  firedAt: Date;
  title: string;
}

/** A recorded firing whose actions have not run yet. */
export interface UnactedRuleFiring {
  id: string;
  rule: string;
  subjectKey: string;
  brandId: string | null;
  firedAt: Date;
  title: string | null;
}

/**
 * The `rule_firings` table: one row per (rule, subject) while its condition holds (a partial unique index on the
 * uncleared rows), acted once its actions ran. Works in the transaction open in the TransactionContext, so firings
 * commit with what made them fire. The batch path (inbox ingestion, a measured hot path) uses plain multi-row SQL.
 */
@Injectable()
export class RuleFiringRepository {
  constructor(private readonly transactions: TransactionContext) {}

  /**
   * Records one firing; returns its id, or undefined when the (rule, subject) has an uncleared firing already
   * (it fired before and its condition has not cleared since).
   */
  async insertOne(firing: Omit<NewRuleFiring, 'id'>): Promise<string | undefined> {
    const firings = this.transactions.manager.getRepository(RuleFiringEntity);
    const row = firings.create({ ...firing, clearedAt: null, actedAt: null });
    try {
      await firings.insert(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        return undefined;
      }
      throw error;
    }
    return row.id;
  }

  /**
   * Inserts the firings, skipping any whose (rule, subject) has an uncleared firing already (the table's partial
   * unique index); returns the ids inserted.
   */
  async insertNew(firings: readonly NewRuleFiring[]): Promise<Set<string>> {
    const manager = this.transactions.manager;
    const created = new Set<string>();
    const p = placeholders(manager);
    for (let i = 0; i < firings.length; i += FIRINGS_PER_INSERT) {
      const values: unknown[] = [];
      const rows = firings.slice(i, i + FIRINGS_PER_INSERT).map((firing) => {
        const base = values.length;
        values.push(
          firing.id,
          firing.rule,
          firing.subjectKey,
          firing.brandId,
          toDbInstant(firing.firedAt),
          firing.title,
        );
        return `(${Array.from({ length: 6 }, (_, k) => p(base + k + 1)).join(', ')}, NULL, NULL)`;
      });
      const inserted = await manager.query<Array<{ id: string }>>(
        `INSERT INTO "rule_firings" ("id", "rule", "subject_key", "brand_id", "fired_at", "title", "cleared_at", "acted_at") VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING "id"`,
        values,
      );
      inserted.forEach(({ id }) => created.add(id));
    }
    return created;
  }

  /** Clears the uncleared firing of (rule, subject), so the rule may fire again; true when there was one. */
  async clear(rule: string, subjectKey: string, at: Date): Promise<boolean> {
    const cleared = await this.transactions.manager
      .getRepository(RuleFiringEntity)
      .update({ rule, subjectKey, clearedAt: IsNull() }, { clearedAt: at });
    return (cleared.affected ?? 0) > 0;
  }

  async markActed(firingIds: readonly string[], at: Date): Promise<void> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    for (let i = 0; i < firingIds.length; i += IDS_PER_UPDATE) {
      const ids = firingIds.slice(i, i + IDS_PER_UPDATE);
      await manager.query(
        `UPDATE "rule_firings" SET "acted_at" = ${p(1)} WHERE "id" IN (${ids.map((_, k) => p(k + 2)).join(', ')})`,
        [toDbInstant(at), ...ids],
      );
    }
  }

  /** Firings fired before `before` whose actions never ran, oldest first, at most `limit`. */
  async unactedBefore(before: Date, limit: number): Promise<UnactedRuleFiring[]> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    const rows = await manager.query<
      Array<{
        id: string;
        rule: string;
        subject_key: string;
        brand_id: string | null;
        fired_at: string;
        title: string | null;
      }>
    >(
      `SELECT "id", "rule", "subject_key", "brand_id", "fired_at", "title" FROM "rule_firings" WHERE "acted_at" IS NULL AND "fired_at" < ${p(1)} ORDER BY "fired_at" LIMIT ${Number(limit)}`,
      [toDbInstant(before)],
    );
    return rows.map((row) => ({
      id: row.id,
      rule: row.rule,
      subjectKey: row.subject_key,
      brandId: row.brand_id,
      firedAt: new Date(row.fired_at),
      title: row.title,
    }));
  }
}
