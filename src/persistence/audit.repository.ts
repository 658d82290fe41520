import { Injectable } from '@nestjs/common';
import { Clock, SYSTEM_CLOCK } from '../clock/clock';
import { DataSource, type EntityManager } from 'typeorm';
import { originColumns } from './audit-origin';
import { AuditEventEntity } from './entities/audit-event.entity';
import { toDbInstant } from './instant-column.decorator';
import type { JsonObject } from './json-value';
import { placeholders } from './sql-placeholders';
import { transactionManagerOf } from './transaction-context';

export interface AuditEventInput {
  actor: string;
  /** Dotted verb, e.g. "post.state_changed". */
  action: string;
  subjectType: string;
  subjectId: string;
  data?: JsonObject;
  at?: Date;
}

@Injectable()
export class AuditRepository {
  /** `clock` defaults to the system's for a repository built by hand (a test, a script); Nest injects the Clock. */
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {}

  /**
   * The event commits or rolls back with the change it describes: inside `TransactionContext.run` it joins that
   * transaction; callers still on hand-opened transactions pass their manager.
   */
  async append(
    event: AuditEventInput,
    manager: EntityManager = transactionManagerOf(this.dataSource),
  ): Promise<AuditEventEntity> {
    const row = manager.getRepository(AuditEventEntity).create({
      at: event.at ?? this.clock.now(),
      actor: event.actor,
      ...originColumns(event.actor),
      action: event.action,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      data: event.data ?? {},
    });
    // Plain SQL: the audit log is written on every state change, the publishing hot path included.
    const p = placeholders(manager);
    const [inserted] = await manager.query<Array<{ id: number | string }>>(
      `INSERT INTO "audit_events" ("at", "actor", "action", "subject_type", "subject_id", "data", "api_token_id", "on_behalf_by") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}) RETURNING "id"`,
      [
        toDbInstant(row.at),
        row.actor,
        row.action,
        row.subjectType,
        row.subjectId,
        JSON.stringify(row.data),
        row.apiTokenId,
        row.onBehalfBy,
      ],
    );
    row.id = Number(inserted.id);
    return row;
  }

  /** Many events in one statement per 200, in the caller's transaction: for batch paths (the inbox). */
  async appendMany(
    events: readonly AuditEventInput[],
    manager: EntityManager = transactionManagerOf(this.dataSource),
  ): Promise<void> {
    const p = placeholders(manager);
    for (let i = 0; i < events.length; i += 200) {
      const values: unknown[] = [];
      const rows = events.slice(i, i + 200).map((event) => {
        const base = values.length;
        const origin = originColumns(event.actor);
        values.push(
          toDbInstant(event.at ?? this.clock.now()),
          event.actor,
          event.action,
          event.subjectType,
          event.subjectId,
          JSON.stringify(event.data ?? {}),
          origin.apiTokenId,
          origin.onBehalfBy,
        );
        return `(${Array.from({ length: 8 }, (_, k) => p(base + k + 1)).join(', ')})`;
      });
      await manager.query(
        `INSERT INTO "audit_events" ("at", "actor", "action", "subject_type", "subject_id", "data", "api_token_id", "on_behalf_by") VALUES ${rows.join(', ')}`,
        values,
      );
    }
  }
}
