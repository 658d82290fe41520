import { Injectable } from '@nestjs/common';
import { Brackets } from 'typeorm';
import { DateTime } from 'luxon';
import { ConfigService } from '../../config/config.service';
import { PostQueryService, type PendingApproval } from '../../content/post-query.service';
import { IncidentEntity } from '../../escalations/incident.entity';
import { IncidentRepository } from '../../escalations/incident.repository';
import { TransactionContext } from '../../persistence/transaction-context';
import { RuleFactsRepository } from '../../rules/rule-facts.repository';
import { addBusinessMinutes, businessHoursOf } from '../../scheduling/business-hours';
import type { WebUser } from '../web-user';

/** How many entries of each list the page shows; the rest are counted ("and N more"). */
export const LIST_LIMIT = 10;
/** Unanswered items older than this are history, not an SLA to chase (as the inbox-unanswered guard). */
const INBOX_LOOK_BACK_MS = 14 * 24 * 3600_000;
/** The brand's default response SLA (brands.schema: `inbox.responseSla` defaults to 4h). */
const DEFAULT_SLA_MS = 4 * 3_600_000;
/** "Near" the SLA: due within a quarter of it, at most an hour. */
const nearMarginMs = (slaMs: number) => Math.min(3_600_000, slaMs / 4);

export interface Bounded<T> {
  items: T[];
  /** How many more there are than `items` shows. */
  more: number;
}

export interface ApprovalWaiting extends PendingApproval {
  brandName: string;
  timezone: string;
  /** "due in 2 days" / "overdue: was due 3 hours ago". */
  dueInWords: string;
}

export interface InboxWaiting {
  brand: string;
  brandName: string;
  channel: string;
  /** Unanswered items past the brand's SLA, and those due within the margin. */
  overdue: number;
  nearlyDue: number;
  /** The earliest deadline among them. */
  oldestDueAt: string;
  dueInWords: string;
  timezone: string;
}

export interface IncidentWaiting {
  id: string;
  brand: string | null;
  brandName: string | null;
  title: string;
  severity: string;
  state: string;
  openedAt: string;
  /** Whether a notification to the person went out (false: it was escalated to them but could not reach them). */
  reached: boolean;
}

export interface WaitingOnMe {
  approvals: Bounded<ApprovalWaiting>;
  inbox: Bounded<InboxWaiting>;
  incidents: Bounded<IncidentWaiting>;
  total: number;
}

/** A deadline in words from `now`: "due in 2 days", "overdue: was due 3 hours ago". */
export function dueInWords(dueAt: Date, now: Date): string {
  const relative = DateTime.fromJSDate(dueAt).toRelative({ base: DateTime.fromJSDate(now) }) ?? '';
  return dueAt <= now ? `overdue: was due ${relative}` : `due ${relative}`;
}

function bounded<T>(all: T[], limit = LIST_LIMIT): Bounded<T> {
  return { items: all.slice(0, limit), more: Math.max(0, all.length - limit) };
}

/**
 * What waits on one person, on the brands they see: the approval steps whose turn is theirs, inbox items past
 * or near their brand's response SLA (on brands where they work the inbox), and the unresolved incidents
 * that were escalated to them (an `incident_notifications` record naming them).
 */
@Injectable()
export class WaitingOnMeQuery {
  constructor(
    private readonly config: ConfigService,
    private readonly posts: PostQueryService,
    private readonly facts: RuleFactsRepository,
    private readonly transactions: TransactionContext,
    private readonly incidentRecords: IncidentRepository,
  ) {}

  async of(user: WebUser, now: Date): Promise<WaitingOnMe> {
    const approvals = await this.approvals(user.person, user.brandsWhere('approve'), now);
    const inbox = await this.inbox(user.brandsWhere('inbox'), now);
    const incidents = await this.incidents(user, LIST_LIMIT);
    return {
      approvals: bounded(approvals),
      inbox: bounded(inbox),
      incidents: { items: incidents.items, more: incidents.more },
      total: approvals.length + inbox.length + incidents.items.length + incidents.more,
    };
  }

  /**
   * The approval steps where it is `person`'s turn on these brands: the first pending step of each post in
   * review naming them, that they have not approved yet (an "all" step waits on the others then); soonest due first.
   */
  async approvals(person: string, brands: readonly string[], now: Date): Promise<ApprovalWaiting[]> {
    if (brands.length === 0) {
      return [];
    }
    const config = this.config.loaded.config;
    const pending = await this.posts.pendingApprovals({ brands, person, now });
    return pending
      .filter((step) => !step.approvedBy.includes(person))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .map((step) => ({
        ...step,
        brandName: config.brands[step.brand]?.name ?? step.brand,
        timezone: config.brands[step.brand]?.timezone ?? config.organisation.timezone,
        dueInWords: dueInWords(new Date(step.dueAt), now),
      }));
  }

  /** Per channel of these brands: unanswered items past the SLA (counted in business hours) or due within the margin. */
  async inbox(brands: readonly string[], now: Date): Promise<InboxWaiting[]> {
    const config = this.config.loaded.config;
    const result: InboxWaiting[] = [];
    for (const brandId of brands) {
      const brand = config.brands[brandId];
      if (!brand || Object.keys(brand.channels).length === 0) {
        continue;
      }
      const slaMs = brand.inbox?.responseSla ?? DEFAULT_SLA_MS;
      const margin = nearMarginMs(slaMs);
      const hours = businessHoursOf(brand.timezone, brand.inbox?.businessHours);
      // Business hours only push a deadline later: received + SLA − margin ≤ now is a safe first cut.
      const rows = await this.facts.unansweredInboxItems(
        brandId,
        new Date(now.getTime() - slaMs + margin),
        new Date(now.getTime() - INBOX_LOOK_BACK_MS),
      );
      const byChannel = new Map<string, InboxWaiting>();
      for (const row of rows) {
        const deadline = addBusinessMinutes(row.receivedAt, slaMs / 60_000, hours);
        if (deadline.getTime() > now.getTime() + margin) {
          continue;
        }
        const entry = byChannel.get(row.channel) ?? {
          brand: brandId,
          brandName: brand.name,
          channel: row.channel,
          overdue: 0,
          nearlyDue: 0,
          oldestDueAt: deadline.toISOString(),
          dueInWords: dueInWords(deadline, now),
          timezone: brand.timezone,
        };
        if (deadline <= now) {
          entry.overdue += 1;
        } else {
          entry.nearlyDue += 1;
        }
        if (deadline.toISOString() < entry.oldestDueAt) {
          entry.oldestDueAt = deadline.toISOString();
          entry.dueInWords = dueInWords(deadline, now);
        }
        byChannel.set(row.channel, entry);
      }
      result.push(...byChannel.values());
    }
    return result.sort((a, b) => a.oldestDueAt.localeCompare(b.oldestDueAt));
  }

  /**
   * Unresolved incidents escalated to the person (a notification record naming them as its target), on the
   * brands they see (an incident of no brand: organisation admins only), newest first; at most `limit`.
   */
  async incidents(user: WebUser, limit: number): Promise<Bounded<IncidentWaiting>> {
    const config = this.config.loaded.config;
    const brands = user.brands;
    if (brands.length === 0 && !user.admin) {
      return { items: [], more: 0 };
    }
    const query = this.transactions.manager
      .getRepository(IncidentEntity)
      .createQueryBuilder('incident')
      .where('incident.state IN (:...states)', { states: ['open', 'acknowledged'] })
      .andWhere(
        new Brackets((where) => {
          if (brands.length > 0) {
            where.orWhere('incident.brand_id IN (:...brands)', { brands });
          }
          if (user.admin) {
            where.orWhere('incident.brand_id IS NULL');
          }
        }),
      )
      .andWhere(
        `EXISTS (SELECT 1 FROM "incident_notifications" n WHERE n."incident_id" = incident.id AND n."target" = :person)`,
        { person: user.person },
      )
      .orderBy('incident.opened_at', 'DESC')
      .take(limit);
    const [incidents, count] = await query.getManyAndCount();
    const records =
      incidents.length === 0
        ? []
        : await this.incidentRecords.notifications(incidents.map((incident) => incident.id));
    return {
      items: incidents.map((incident) => ({
        id: incident.id,
        brand: incident.brandId,
        brandName: incident.brandId ? (config.brands[incident.brandId]?.name ?? incident.brandId) : null,
        title: incident.title,
        severity: incident.severity,
        state: incident.state,
        openedAt: incident.openedAt.toISOString(),
        reached: records.some(
          (record) =>
            record.incidentId === incident.id && record.target === user.person && record.status === 'sent',
        ),
      })),
      more: Math.max(0, count - incidents.length),
    };
  }
}
