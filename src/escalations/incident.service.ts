import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditRepository, type AuditEventInput } from '../persistence/audit.repository';
import { IncidentEntity } from './incident.entity';
import type { JsonObject } from '../persistence/json-value';
import { timeOrderedId } from '../persistence/time-ordered-id';
import { TransactionContext } from '../persistence/transaction-context';
import { PolicySnapshot } from './escalation-policy.snapshot';
import { IncidentRepository, type NewIncident } from './incident.repository';
import { InvalidError, NotFoundError } from '../errors/domain.error';

export interface OpenIncidentInput {
  brandId: string | null;
  rule: string;
  /** What the incident is about, e.g. "approval:<id>" or "channel:<id>". */
  subjectKey: string;
  title: string;
  severity: 'info' | 'warning' | 'critical';
  details: JsonObject;
  policy: PolicySnapshot;
  at: Date;
}

/** Incidents listed at most. */
const LIST_LIMIT = 200;

/**
 * Incidents: opened once per (rule, subject) while unresolved — the database's partial unique index on
 * dedup_key enforces it across processes — then acknowledged and resolved by people or by the condition
 * clearing. Every change is a conditional update with an audit event, in one transaction (joining the caller's).
 */
@Injectable()
export class IncidentService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly audit: AuditRepository,
    private readonly tx: TransactionContext,
  ) {}

  static dedupKey(rule: string, subjectKey: string): string {
    return `${rule}|${subjectKey}`;
  }

  /** Opens an incident, or returns the unresolved one already open for the same rule and subject. */
  async open(input: OpenIncidentInput): Promise<{ incident: IncidentEntity; opened: boolean }> {
    const dedupKey = IncidentService.dedupKey(input.rule, input.subjectKey);
    const existing = await this.incidents.unresolved(dedupKey);
    if (existing) {
      return { incident: existing, opened: false };
    }
    const incident = Object.assign(new IncidentEntity(), this.newIncident(input, dedupKey, randomUUID()), {
      state: 'open',
      level: 0,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
    } satisfies Partial<IncidentEntity>);
    return this.tx.run(async () => {
      const inserted = await this.incidents.insertUnlessUnresolved([incident]);
      if (!inserted.has(incident.id)) {
        // Another process opened it between our read and our insert.
        const theirs = await this.incidents.unresolved(dedupKey);
        if (!theirs) {
          throw new Error(`incident ${dedupKey} was neither opened nor found open`);
        }
        return { incident: theirs, opened: false };
      }
      await this.audit.append(this.openedEvent(incident.id, input));
      return { incident, opened: true };
    });
  }

  /**
   * Opens many incidents at once (the inbox path): multi-row inserts that skip any whose (rule, subject) already
   * has an unresolved incident, with their audit events, in one transaction. Returns how many were opened.
   */
  async openMany(inputs: readonly OpenIncidentInput[]): Promise<number> {
    const unique = new Map(
      inputs.map((input) => [IncidentService.dedupKey(input.rule, input.subjectKey), input]),
    );
    if (unique.size === 0) {
      return 0;
    }
    const byId = new Map<string, OpenIncidentInput>();
    const incidents = [...unique].map(([dedupKey, input]) => {
      const incident = this.newIncident(input, dedupKey, timeOrderedId());
      byId.set(incident.id, input);
      return incident;
    });
    return this.tx.run(async () => {
      const inserted = await this.incidents.insertUnlessUnresolved(incidents);
      await this.audit.appendMany([...inserted].map((id) => this.openedEvent(id, byId.get(id)!)));
      return inserted.size;
    });
  }

  /** `comment` (what was done, why) is kept in the audit event and shown with the incident. */
  async acknowledge(id: string, by: string, at: Date, comment?: string): Promise<IncidentEntity> {
    return this.move(
      id,
      ['open'],
      { state: 'acknowledged', acknowledgedAt: at, acknowledgedBy: by, nextEscalationAt: null },
      by,
      'incident.acknowledged',
      at,
      comment,
    );
  }

  async resolve(id: string, by: string, at: Date, comment?: string): Promise<IncidentEntity> {
    return this.move(
      id,
      ['open', 'acknowledged'],
      { state: 'resolved', resolvedAt: at, resolvedBy: by, nextEscalationAt: null },
      by,
      'incident.resolved',
      at,
      comment,
    );
  }

  /** Resolves the unresolved incident of a rule and subject whose condition no longer holds. */
  async resolveCleared(rule: string, subjectKey: string, at: Date): Promise<boolean> {
    const incident = await this.incidents.unresolved(IncidentService.dedupKey(rule, subjectKey));
    if (!incident) {
      return false;
    }
    await this.resolve(incident.id, `rule:${rule} (condition cleared)`, at);
    return true;
  }

  async byId(id: string): Promise<IncidentEntity | null> {
    return this.incidents.byId(id);
  }

  /** `brands` limits the list to those brands' incidents (an API token limited to them). */
  async list(filter: {
    state?: IncidentEntity['state'];
    brand?: string;
    brands?: readonly string[];
  }): Promise<IncidentEntity[]> {
    if (filter.brand && filter.brands && !filter.brands.includes(filter.brand)) {
      return [];
    }
    return this.incidents.list({ ...filter, limit: LIST_LIMIT });
  }

  private async move(
    id: string,
    from: IncidentEntity['state'][],
    changes: Partial<IncidentEntity>,
    by: string,
    action: string,
    at: Date,
    comment?: string,
  ): Promise<IncidentEntity> {
    return this.tx.run(async () => {
      const incident = await this.incidents.byId(id);
      if (!incident) {
        throw new NotFoundError(`no incident with id ${id}: see \`metronome incidents list\``);
      }
      if (!from.includes(incident.state)) {
        throw new InvalidError(`incident "${incident.title}" is already ${incident.state}`);
      }
      if (!(await this.incidents.update(id, incident.state, changes))) {
        throw new InvalidError(`incident "${incident.title}" changed at the same moment; look again`);
      }
      await this.audit.append({
        actor: by,
        action,
        subjectType: 'incident',
        subjectId: id,
        data: { from: incident.state, ...(comment ? { comment } : {}) },
        at,
      });
      return Object.assign(incident, changes);
    });
  }

  private newIncident(input: OpenIncidentInput, dedupKey: string, id: string): NewIncident {
    return {
      id,
      brandId: input.brandId,
      rule: input.rule,
      subjectKey: input.subjectKey,
      dedupKey,
      severity: input.severity,
      title: input.title,
      details: input.details,
      policySnapshot: input.policy as unknown as JsonObject,
      nextEscalationAt: new Date(input.at.getTime() + (input.policy.levels[0]?.afterMs ?? 0)),
      openedAt: input.at,
    };
  }

  private openedEvent(id: string, input: OpenIncidentInput): AuditEventInput {
    return {
      actor: `rule:${input.rule}`,
      action: 'incident.opened',
      subjectType: 'incident',
      subjectId: id,
      data: { title: input.title, subject: input.subjectKey, policy: input.policy.policy },
      at: input.at,
    };
  }
}
