import type { IncidentEntity } from '../escalations/incident.entity';
import type { IncidentsSection } from './report-model';
import type { PeriodWindow } from './report-period';
import { compare, durationStats } from './report-statistics';

const MAX_ITEMS = 10;

/** Escalations the rule engine opened: how many, how serious, and how quickly someone picked them up. */
export class IncidentsCalculator {
  constructor(private readonly incidents: readonly IncidentEntity[]) {}

  opened(window: PeriodWindow): IncidentEntity[] {
    return this.incidents.filter((i) => i.openedAt >= window.start && i.openedAt < window.end);
  }

  section(current: PeriodWindow, previous: PeriodWindow): IncidentsSection {
    const opened = this.opened(current);
    const severities = new Map<string, number>();
    for (const incident of opened) {
      severities.set(incident.severity, (severities.get(incident.severity) ?? 0) + 1);
    }
    const openAtEnd = this.incidents.filter(
      (i) => i.openedAt < current.end && (i.resolvedAt === null || i.resolvedAt >= current.end),
    );
    const acknowledged = opened.flatMap((i) =>
      i.acknowledgedAt ? [(i.acknowledgedAt.getTime() - i.openedAt.getTime()) / 60_000] : [],
    );
    return {
      opened: compare(opened.length, this.opened(previous).length),
      resolved: this.incidents.filter(
        (i) => i.resolvedAt !== null && i.resolvedAt >= current.start && i.resolvedAt < current.end,
      ).length,
      openAtEnd: openAtEnd.length,
      bySeverity: [...severities]
        .map(([severity, count]) => ({ severity, count }))
        .sort((a, b) => b.count - a.count || a.severity.localeCompare(b.severity)),
      timeToAcknowledgeMinutes: durationStats(acknowledged),
      items: [...opened]
        .sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime())
        .slice(0, MAX_ITEMS)
        .map((i) => ({
          title: i.title,
          rule: i.rule,
          severity: i.severity,
          state: i.state,
          openedAt: i.openedAt.toISOString(),
          resolvedAt: i.resolvedAt?.toISOString() ?? null,
          acknowledgedAfterMinutes: i.acknowledgedAt
            ? (i.acknowledgedAt.getTime() - i.openedAt.getTime()) / 60_000
            : null,
        })),
      hasData: opened.length > 0 || openAtEnd.length > 0,
    };
  }
}
