import { Injectable } from '@nestjs/common';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';

/** Firings per multi-row INSERT. */
const FIRINGS_PER_INSERT = 400;

/** A firing to record: a rule whose condition held for a subject. */
export interface NewRuleFiring {
  id: string;
  rule: string;
  subjectKey: string;
  brandId: string;
  firedAt: Date;
  title: string;
}

/**
 * The `rule_firings` table, for the batch path (inbox ingestion, a measured hot path: plain multi-row SQL).
 * Works in the transaction open in the TransactionContext, so firings commit with what made them fire.
 * Not yet here: the single-firing and acted/cleared updates of RuleEngine and RuleActions.
 */
@Injectable()
export class RuleFiringRepository {
  constructor(private readonly transactions: TransactionContext) {}

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
}
