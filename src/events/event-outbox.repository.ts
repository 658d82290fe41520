import { Injectable } from '@nestjs/common';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';
import { timeOrderedId } from '../persistence/time-ordered-id';
import type { DomainEvent } from './domain-event';

export interface StoredEvent {
  id: string;
  event: DomainEvent;
}

const ROWS_PER_STATEMENT = 200;

/**
 * The transactional outbox behind TransactionalEvents: events are written in the transaction of the change
 * that caused them and deleted once handled, so an event whose process died before handling it is still
 * there to be delivered again (handlers are idempotent: rules fire once per subject).
 */
@Injectable()
export class EventOutboxRepository {
  constructor(private readonly tx: TransactionContext) {}

  /** Writes `events` in the open transaction (the one that caused them); returns their outbox ids. */
  async store(events: readonly DomainEvent[], now: Date): Promise<string[]> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const ids: string[] = [];
    for (let i = 0; i < events.length; i += ROWS_PER_STATEMENT) {
      const values: unknown[] = [];
      const rows = events.slice(i, i + ROWS_PER_STATEMENT).map((event) => {
        const id = timeOrderedId();
        ids.push(id);
        const base = values.length;
        values.push(
          id,
          event.type,
          event.brandId,
          event.subject.type,
          event.subject.id,
          toDbInstant(event.at),
          JSON.stringify(event.data ?? {}),
          toDbInstant(now),
        );
        return `(${Array.from({ length: 8 }, (_, k) => p(base + k + 1)).join(', ')})`;
      });
      await manager.query(
        `INSERT INTO "domain_events" ("id", "type", "brand_id", "subject_type", "subject_id", "at", "data", "recorded_at") VALUES ${rows.join(', ')}`,
        values,
      );
    }
    return ids;
  }

  async remove(ids: readonly string[]): Promise<void> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT * 2) {
      const chunk = ids.slice(i, i + ROWS_PER_STATEMENT * 2);
      await manager.query(
        `DELETE FROM "domain_events" WHERE "id" IN (${chunk.map((_, k) => p(k + 1)).join(', ')})`,
        chunk,
      );
    }
  }

  /** Events recorded before `before` and still not handled: their process stopped in between. */
  async stale(before: Date, limit: number): Promise<StoredEvent[]> {
    const manager = this.tx.manager;
    const p = placeholders(manager);
    const rows = await manager.query<
      Array<{
        id: string;
        type: DomainEvent['type'];
        brand_id: string;
        subject_type: DomainEvent['subject']['type'];
        subject_id: string;
        at: string;
        data: string;
      }>
    >(
      `SELECT "id", "type", "brand_id", "subject_type", "subject_id", "at", "data" FROM "domain_events" WHERE "recorded_at" < ${p(1)} ORDER BY "recorded_at" LIMIT ${Math.trunc(limit)}`,
      [toDbInstant(before)],
    );
    return rows.map((row) => ({
      id: row.id,
      event: {
        type: row.type,
        brandId: row.brand_id,
        subject: { type: row.subject_type, id: row.subject_id },
        at: new Date(row.at),
        data: JSON.parse(row.data) as DomainEvent['data'],
      },
    }));
  }
}
