import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditRepository } from '../persistence/audit.repository';
import { IncidentEntity } from '../persistence/entities/incident.entity';
import { toDbInstant } from '../persistence/instant-column.decorator';
import type { JsonObject } from '../persistence/json-value';
import { placeholders } from '../persistence/sql-placeholders';
import { timeOrderedId } from '../persistence/time-ordered-id';
import { isUniqueViolation } from '../persistence/unique-violation';
import { PolicySnapshot } from './escalation-policy.snapshot';
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

/**
 * Incidents: opened once per (rule, subject) while unresolved — the database's partial unique index on
 * dedup_key enforces it across processes — then acknowledged and resolved by people or by the condition
 * clearing. Every change is a conditional update with an audit event.
 */
@Injectable()
export class IncidentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  static dedupKey(rule: string, subjectKey: string): string {
    return `${rule}|${subjectKey}`;
  }

  /** Opens an incident, or returns the unresolved one already open for the same rule and subject. */
  async open(input: OpenIncidentInput): Promise<{ incident: IncidentEntity; opened: boolean }> {
    const dedupKey = IncidentService.dedupKey(input.rule, input.subjectKey);
    const repository = this.dataSource.getRepository(IncidentEntity);
    const existing = await repository.findOneBy({ dedupKey, state: In(['open', 'acknowledged']) });
    if (existing) {
      return { incident: existing, opened: false };
    }
    const first = input.policy.levels[0];
    const incident = repository.create({
      brandId: input.brandId,
      rule: input.rule,
      subjectKey: input.subjectKey,
      dedupKey,
      state: 'open',
      severity: input.severity,
      title: input.title,
      details: input.details,
      policySnapshot: input.policy as unknown as JsonObject,
      level: 0,
      nextEscalationAt: new Date(input.at.getTime() + (first?.afterMs ?? 0)),
      openedAt: input.at,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
    });
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.getRepository(IncidentEntity).insert(incident);
        await this.audit.append(
          {
            actor: `rule:${input.rule}`,
            action: 'incident.opened',
            subjectType: 'incident',
            subjectId: incident.id,
            data: { title: input.title, subject: input.subjectKey, policy: input.policy.policy },
            at: input.at,
          },
          manager,
        );
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        // Another process opened it between our read and our insert.
        return {
          incident: await repository.findOneByOrFail({ dedupKey, state: In(['open', 'acknowledged']) }),
          opened: false,
        };
      }
      throw error;
    }
    return { incident, opened: true };
  }

  /**
   * Opens many incidents at once (the inbox path): one multi-row insert per chunk that skips any whose
   * (rule, subject) already has an unresolved incident, with their audit events, in one transaction.
   * Returns how many were opened.
   */
  async openMany(inputs: readonly OpenIncidentInput[]): Promise<number> {
    const unique = new Map(
      inputs.map((input) => [IncidentService.dedupKey(input.rule, input.subjectKey), input]),
    );
    if (unique.size === 0) {
      return 0;
    }
    return this.dataSource.transaction(async (manager) => {
      const p = placeholders(manager);
      let opened = 0;
      const entries = [...unique];
      for (let i = 0; i < entries.length; i += 200) {
        const values: unknown[] = [];
        const byId = new Map<string, OpenIncidentInput>();
        const rows = entries.slice(i, i + 200).map(([dedupKey, input]) => {
          const id = timeOrderedId();
          byId.set(id, input);
          const base = values.length;
          values.push(
            id,
            input.brandId,
            input.rule,
            input.subjectKey,
            dedupKey,
            input.severity,
            input.title,
            JSON.stringify(input.details),
            JSON.stringify(input.policy),
            toDbInstant(new Date(input.at.getTime() + (input.policy.levels[0]?.afterMs ?? 0))),
            toDbInstant(input.at),
          );
          const slots = Array.from({ length: 11 }, (_, k) => p(base + k + 1));
          return `(${slots.slice(0, 5).join(', ')}, 'open', ${slots.slice(5, 9).join(', ')}, 0, ${slots.slice(9).join(', ')})`;
        });
        const inserted = await manager.query<Array<{ id: string }>>(
          `INSERT INTO "incidents" ("id", "brand_id", "rule", "subject_key", "dedup_key", "state", "severity", "title", "details", "policy_snapshot", "level", "next_escalation_at", "opened_at") VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING "id"`,
          values,
        );
        opened += inserted.length;
        await this.audit.appendMany(
          inserted.map(({ id }) => {
            const input = byId.get(id)!;
            return {
              actor: `rule:${input.rule}`,
              action: 'incident.opened',
              subjectType: 'incident',
              subjectId: id,
              data: { title: input.title, subject: input.subjectKey, policy: input.policy.policy },
              at: input.at,
            };
          }),
          manager,
        );
      }
      return opened;
    });
  }

  /** `comment` (what was done, why) is kept in the audit event and shown with the incident. */
  async acknowledge(id: string, by: string, at = new Date(), comment?: string): Promise<IncidentEntity> {
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

  async resolve(id: string, by: string, at = new Date(), comment?: string): Promise<IncidentEntity> {
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
    const incident = await this.dataSource.getRepository(IncidentEntity).findOneBy({
      dedupKey: IncidentService.dedupKey(rule, subjectKey),
      state: In(['open', 'acknowledged']),
    });
    if (!incident) {
      return false;
    }
    await this.resolve(incident.id, `rule:${rule} (condition cleared)`, at);
    return true;
  }

  async byId(id: string): Promise<IncidentEntity | null> {
    return this.dataSource.getRepository(IncidentEntity).findOneBy({ id });
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
    return this.dataSource.getRepository(IncidentEntity).find({
      where: {
        ...(filter.state ? { state: filter.state } : { state: In(['open', 'acknowledged']) }),
        ...(filter.brand
          ? { brandId: filter.brand }
          : filter.brands
            ? { brandId: In([...filter.brands]) }
            : {}),
      },
      order: { openedAt: 'DESC' },
      take: 200,
    });
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
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(IncidentEntity);
      const incident = await repository.findOneBy({ id });
      if (!incident) {
        throw new NotFoundError(`no incident with id ${id}: see \`metronome incidents list\``);
      }
      if (!from.includes(incident.state)) {
        throw new InvalidError(`incident "${incident.title}" is already ${incident.state}`);
      }
      const result = await repository.update({ id, state: incident.state }, changes);
      if ((result.affected ?? 0) !== 1) {
        throw new InvalidError(`incident "${incident.title}" changed at the same moment; look again`);
      }
      await this.audit.append(
        {
          actor: by,
          action,
          subjectType: 'incident',
          subjectId: id,
          data: { from: incident.state, ...(comment ? { comment } : {}) },
          at,
        },
        manager,
      );
      return Object.assign(incident, changes);
    });
  }
}
