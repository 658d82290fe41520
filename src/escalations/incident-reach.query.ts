import { Injectable } from '@nestjs/common';
import type { IncidentEntity } from './incident.entity';
import type { PolicySnapshot } from './escalation-policy.snapshot';
import { IncidentRepository } from './incident.repository';

/** One target of one escalation step, and whether it was reached. */
export interface IncidentReach {
  level: number;
  target: string;
  /** The notifier it went through; null when there was no way to reach the target at all. */
  notifier: string | null;
  reached: boolean;
  error: string | null;
  at: Date;
}

/** What people need to know about an incident beyond its row: who was reached, and what was said. */
export interface IncidentStory {
  reach: IncidentReach[];
  /** Steps of the policy in all (levels × repeats), and how many have been sent. */
  steps: { sent: number; total: number };
  acknowledgedComment: string | null;
  resolvedComment: string | null;
}

/**
 * Reads the truth of an incident's escalation from its notification records: "notified" only ever means
 * someone was reached, and a target nobody could reach is named with the reason.
 */
@Injectable()
export class IncidentReachQuery {
  constructor(private readonly incidents: IncidentRepository) {}

  async stories(incidents: readonly IncidentEntity[]): Promise<Map<string, IncidentStory>> {
    const ids = incidents.map((incident) => incident.id);
    const [records, comments] =
      ids.length === 0
        ? [[], []]
        : await Promise.all([this.incidents.notifications(ids), this.incidents.changeComments(ids)]);
    const stories = new Map<string, IncidentStory>();
    for (const incident of incidents) {
      const snapshot = incident.policySnapshot as unknown as PolicySnapshot;
      const total = (snapshot.levels?.length ?? 0) * ((snapshot.repeat ?? 0) + 1);
      const comment = (action: string) =>
        comments.filter((c) => c.incidentId === incident.id && c.action === action).at(-1)?.comment ?? null;
      stories.set(incident.id, {
        reach: records
          .filter((record) => record.incidentId === incident.id)
          .map((record) => ({
            level: record.level,
            target: record.target,
            notifier: record.channel === '-' ? null : record.channel,
            reached: record.status === 'sent',
            error: record.error,
            at: record.sentAt,
          })),
        steps: { sent: Math.min(incident.level, total), total },
        acknowledgedComment: comment('incident.acknowledged'),
        resolvedComment: comment('incident.resolved'),
      });
    }
    return stories;
  }
}
