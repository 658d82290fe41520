import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MetronomeConfig } from '../config/schema/metronome-config.schema';
import { PostQueryService } from '../content/post-query.service';
import { cadenceTarget, currentAndNextMonth, cycleCalendar, stageAt } from './cycle-calendar';
import { countPostsInPeriod } from './posts-in-period.count';

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
  nextDeadlines: Array<{ what: string; at: string }>;
}

/** `metronome cycle status`: per brand, where the current and next month stand and what is due next. */
@Injectable()
export class CycleStatusQuery {
  constructor(private readonly dataSource: DataSource) {}

  async status(config: MetronomeConfig, now: Date): Promise<CycleStatus[]> {
    const pending = await new PostQueryService(this.dataSource).pendingApprovals({ now });
    const result: CycleStatus[] = [];
    for (const [brandId, brand] of Object.entries(config.brands)) {
      const months = [];
      for (const month of currentAndNextMonth(brand, now)) {
        const calendar = cycleCalendar(brand, month);
        const count = (states?: string[]) => countPostsInPeriod(this.dataSource, brandId, calendar, states);
        months.push({
          month,
          stage: stageAt(calendar, now),
          postsPlanned: await count(),
          cadenceTarget: cadenceTarget(brand, calendar),
          published: await count(['published']),
          planDueAt: calendar.planDueAt.toISOString(),
        });
      }
      const mine = pending.filter((p) => p.brand === brandId);
      const nextMonth = cycleCalendar(brand, currentAndNextMonth(brand, now)[1]);
      const deadlines = [
        ...mine.filter((p) => !p.overdue).map((p) => ({ what: `"${p.step}" for "${p.title}"`, at: p.dueAt })),
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
        approvalsPending: mine.length,
        approvalsOverdue: mine.filter((p) => p.overdue).length,
        nextDeadlines: deadlines,
      });
    }
    return result;
  }
}
