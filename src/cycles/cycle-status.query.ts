import { Injectable } from '@nestjs/common';
import type { MetronomeConfig } from '../config/schema/metronome-config.schema';
import { PostQueryService } from '../content/post-query.service';
import { cadenceTarget, currentAndNextMonth, cycleCalendar, stageAt } from './cycle-calendar';
import { CycleRepository, type UnresolvedIncident } from './cycle.repository';

export interface CycleStatus {
  brand: string;
  name: string;
  owner: string;
  timezone: string;
  months: Array<{
    month: string;
    stage: string;
    postsPlanned: number;
    cadenceTarget: number;
    published: number;
    planDueAt: string;
  }>;
  approvalsPending: number;
  approvalsOverdue: number;
  /** Unresolved incidents of the brand (open or acknowledged), most severe first, at most five titles. */
  incidents: { open: number; acknowledged: number; top: string[] };
  /** Inbox items waiting for an answer. */
  inboxWaiting: number;
  nextDeadlines: Array<{ what: string; at: string }>;
}

/** `metronome cycle status`: per brand, where the current and next month stand and what is due next. */
@Injectable()
export class CycleStatusQuery {
  constructor(
    private readonly cycles: CycleRepository,
    private readonly posts: PostQueryService,
  ) {}

  async status(config: MetronomeConfig, now: Date): Promise<CycleStatus[]> {
    const incidents = await this.cycles.unresolvedIncidents();
    const waiting = await this.cycles.inboxWaitingByBrand();
    const result: CycleStatus[] = [];
    for (const [brandId, brand] of Object.entries(config.brands)) {
      const months = [];
      for (const month of currentAndNextMonth(brand, now)) {
        const calendar = cycleCalendar(brand, month);
        const count = (states?: string[]) => this.cycles.postsInPeriod(brandId, calendar, states);
        months.push({
          month,
          stage: stageAt(calendar, now),
          postsPlanned: await count(),
          cadenceTarget: cadenceTarget(brand, calendar),
          published: await count(['published']),
          planDueAt: calendar.planDueAt.toISOString(),
        });
      }
      // Counted and limited in SQL: a brand may have thousands of posts in review.
      const upcoming = await this.posts.pendingApprovals({ brand: brandId, now, due: 'on-time', limit: 5 });
      const approvalsPending = await this.posts.countPendingApprovals({ brand: brandId, now });
      const approvalsOverdue = await this.posts.countPendingApprovals({
        brand: brandId,
        now,
        due: 'overdue',
      });
      const nextMonth = cycleCalendar(brand, currentAndNextMonth(brand, now)[1]);
      const deadlines = [
        ...upcoming.map((p) => ({ what: `"${p.step}" for "${p.title}"`, at: p.dueAt })),
        ...(nextMonth.planDueAt > now
          ? [{ what: `plan for ${nextMonth.month} due`, at: nextMonth.planDueAt.toISOString() }]
          : []),
      ]
        .sort((a, b) => a.at.localeCompare(b.at))
        .slice(0, 5);
      result.push({
        brand: brandId,
        name: brand.name,
        owner: brand.owner,
        timezone: brand.timezone,
        months,
        approvalsPending,
        approvalsOverdue,
        incidents: this.incidentSummary(incidents.filter((incident) => incident.brandId === brandId)),
        inboxWaiting: waiting.get(brandId) ?? 0,
        nextDeadlines: deadlines,
      });
    }
    return result;
  }

  private incidentSummary(incidents: UnresolvedIncident[]): CycleStatus['incidents'] {
    const rank: Record<string, number> = { critical: 0, warning: 1, info: 2 };
    return {
      open: incidents.filter((incident) => incident.state === 'open').length,
      acknowledged: incidents.filter((incident) => incident.state === 'acknowledged').length,
      top: [...incidents]
        .sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3))
        .slice(0, 5)
        .map((incident) => `${incident.severity}: ${incident.title}`),
    };
  }
}
