import { Injectable } from '@nestjs/common';
import { In, LessThanOrEqual } from 'typeorm';
import { AuditEventEntity } from '../persistence/entities/audit-event.entity';
import { IncidentNotificationEntity, type IncidentNotificationStatus } from './incident-notification.entity';
import { IncidentEntity, type IncidentState } from './incident.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import { placeholders } from '../persistence/sql-placeholders';
import { TransactionContext } from '../persistence/transaction-context';

/** Incidents per multi-row INSERT. */
const INCIDENTS_PER_INSERT = 200;
const UNRESOLVED: IncidentState[] = ['open', 'acknowledged'];

/** An incident to open: everything but its state (open), level (0) and who acknowledged or resolved it. */
export type NewIncident = Pick<
  IncidentEntity,
  | 'id'
  | 'brandId'
  | 'rule'
  | 'subjectKey'
  | 'dedupKey'
  | 'severity'
  | 'title'
  | 'details'
  | 'policySnapshot'
  | 'nextEscalationAt'
  | 'openedAt'
>;

/** One attempt to reach a target at one escalation step. */
export interface IncidentNotification {
  incidentId: string;
  level: number;
  target: string;
  /** The notifier it went through, '-' when there was no way to reach the target. */
  channel: string;
  status: IncidentNotificationStatus;
  error: string | null;
  sentAt: Date;
}

/** The comment a person gave when acknowledging or resolving an incident (kept in its audit event). */
export interface IncidentChangeComment {
  incidentId: string;
  action: 'incident.acknowledged' | 'incident.resolved';
  comment: string | null;
}

/**
 * The `incidents` and `incident_notifications` tables. Every method works in the transaction open in the
 * TransactionContext, if any. Opening many incidents at once (the inbox path) is plain multi-row SQL.
 */
@Injectable()
export class IncidentRepository {
  constructor(private readonly transactions: TransactionContext) {}

  byId(id: string): Promise<IncidentEntity | null> {
    return this.incidents().findOneBy({ id });
  }

  /** The open or acknowledged incident of a (rule, subject), if any. */
  unresolved(dedupKey: string): Promise<IncidentEntity | null> {
    return this.incidents().findOneBy({ dedupKey, state: In(UNRESOLVED) });
  }

  /**
   * Inserts the incidents, open at level 0, skipping any whose (rule, subject) has an unresolved incident already
   * (the table's partial unique index, so a concurrent opener never makes a second one and no error aborts the
   * transaction); returns the ids inserted.
   */
  async insertUnlessUnresolved(incidents: readonly NewIncident[]): Promise<Set<string>> {
    const manager = this.transactions.manager;
    const p = placeholders(manager);
    const inserted = new Set<string>();
    for (let i = 0; i < incidents.length; i += INCIDENTS_PER_INSERT) {
      const values: unknown[] = [];
      const rows = incidents.slice(i, i + INCIDENTS_PER_INSERT).map((incident) => {
        const base = values.length;
        values.push(
          incident.id,
          incident.brandId,
          incident.rule,
          incident.subjectKey,
          incident.dedupKey,
          incident.severity,
          incident.title,
          JSON.stringify(incident.details),
          JSON.stringify(incident.policySnapshot),
          incident.nextEscalationAt ? toDbInstant(incident.nextEscalationAt) : null,
          toDbInstant(incident.openedAt),
        );
        const slots = Array.from({ length: 11 }, (_, k) => p(base + k + 1));
        return `(${slots.slice(0, 5).join(', ')}, 'open', ${slots.slice(5, 9).join(', ')}, 0, ${slots.slice(9).join(', ')})`;
      });
      const ids = await manager.query<Array<{ id: string }>>(
        `INSERT INTO "incidents" ("id", "brand_id", "rule", "subject_key", "dedup_key", "state", "severity", "title", "details", "policy_snapshot", "level", "next_escalation_at", "opened_at") VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING "id"`,
        values,
      );
      ids.forEach(({ id }) => inserted.add(id));
    }
    return inserted;
  }

  /** Applies `changes` if the incident is still in state `from`; false when it changed meanwhile. */
  async update(id: string, from: IncidentState, changes: Partial<IncidentEntity>): Promise<boolean> {
    const result = await this.incidents().update({ id, state: from }, changes);
    return (result.affected ?? 0) === 1;
  }

  /**
   * Incidents of these states (by default the unresolved ones) of one brand, of some brands, or of all, newest
   * first, at most `limit`.
   */
  list(filter: {
    state?: IncidentState;
    brand?: string;
    brands?: readonly string[];
    limit: number;
  }): Promise<IncidentEntity[]> {
    return this.incidents().find({
      where: {
        state: filter.state ?? In(UNRESOLVED),
        ...(filter.brand
          ? { brandId: filter.brand }
          : filter.brands
            ? { brandId: In([...filter.brands]) }
            : {}),
      },
      order: { openedAt: 'DESC' },
      take: filter.limit,
    });
  }

  /** Every unresolved incident, oldest first. */
  allUnresolved(): Promise<IncidentEntity[]> {
    return this.incidents().find({ where: { state: In(UNRESOLVED) }, order: { openedAt: 'ASC' } });
  }

  /** Open incidents whose next escalation step is due at `now`, the most overdue first, at most `limit`. */
  dueForEscalation(now: Date, limit: number): Promise<IncidentEntity[]> {
    return this.incidents().find({
      where: { state: 'open', nextEscalationAt: LessThanOrEqual(now) },
      order: { nextEscalationAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Claims the incident's step at `level` (moves it to the next level, due at `nextEscalationAt`) if it is still
   * open at that level: false when another scheduler claimed it, or a person acknowledged or resolved it.
   */
  async claimStep(id: string, level: number, nextEscalationAt: Date | null): Promise<boolean> {
    const result = await this.incidents().update(
      { id, state: 'open', level },
      { level: level + 1, nextEscalationAt },
    );
    return (result.affected ?? 0) === 1;
  }

  async recordNotification(notification: IncidentNotification): Promise<void> {
    const records = this.transactions.manager.getRepository(IncidentNotificationEntity);
    await records.insert(records.create(notification));
  }

  /** The notification records of these incidents, oldest first. */
  notifications(incidentIds: readonly string[]): Promise<IncidentNotification[]> {
    return this.transactions.manager
      .getRepository(IncidentNotificationEntity)
      .find({ where: { incidentId: In([...incidentIds]) }, order: { sentAt: 'ASC' } });
  }

  /** The comments given when these incidents were acknowledged or resolved, in the order they were given. */
  async changeComments(incidentIds: readonly string[]): Promise<IncidentChangeComment[]> {
    const events = await this.transactions.manager.getRepository(AuditEventEntity).find({
      where: {
        subjectType: 'incident',
        subjectId: In([...incidentIds]),
        action: In(['incident.acknowledged', 'incident.resolved']),
      },
      order: { id: 'ASC' },
    });
    return events.map((event) => ({
      incidentId: event.subjectId,
      action: event.action as IncidentChangeComment['action'],
      comment: typeof event.data.comment === 'string' ? event.data.comment : null,
    }));
  }

  /**
   * The SQLite database's file (`:memory:` for one in memory), or undefined on Postgres: a single node keeps its
   * incident link key beside that file.
   */
  sqliteDatabaseFile(): string | undefined {
    const options = this.transactions.manager.connection.options;
    return options.type === 'better-sqlite3' && typeof options.database === 'string'
      ? options.database
      : undefined;
  }

  private incidents() {
    return this.transactions.manager.getRepository(IncidentEntity);
  }
}
