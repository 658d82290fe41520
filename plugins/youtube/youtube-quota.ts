import { rateLimited, type PluginLogger, type PluginStateStore } from '../../src/plugin-sdk';

const PACIFIC = 'America/Los_Angeles';

/** Units per call (https://developers.google.com/youtube/v3/determine_quota_cost). */
export const QUOTA_COST = {
  list: 1,
  'comments.insert': 50,
  'videos.delete': 50,
  'thumbnails.set': 50,
} as const;

/** The Pacific calendar day of an instant, "YYYY-MM-DD": YouTube's quotas reset at midnight Pacific Time. */
export function pacificDay(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: PACIFIC,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The next midnight Pacific Time after `at` (PST or PDT, whichever is in force that night). */
export function nextPacificMidnight(at: Date): Date {
  const [year, month, day] = pacificDay(at).split('-').map(Number);
  // Midnight PT is 08:00 UTC (PST) or 07:00 UTC (PDT): the candidate whose Pacific day is the next one at 00:00.
  for (const utcHour of [7, 8]) {
    const candidate = new Date(Date.UTC(year, month - 1, day + 1, utcHour));
    const hour = new Intl.DateTimeFormat('en-GB', {
      timeZone: PACIFIC,
      hour: '2-digit',
      hourCycle: 'h23',
    }).format(candidate);
    if (Number(hour) === 0 && candidate > at) {
      return candidate;
    }
  }
  return new Date(Date.UTC(year, month - 1, day + 1, 8));
}

export interface QuotaDay {
  day: string;
  units: number;
  uploads: number;
  warned?: boolean;
}

export interface QuotaStatus extends QuotaDay {
  budget: number;
  uploadsPerDay: number;
  remainingUnits: number;
  remainingUploads: number;
  resetsAt: Date;
}

const stateKey = (day: string) => `quota:${day}`;

/**
 * The project's daily budget as this channel spends it, per Pacific day in the channel's state: refused BEFORE a
 * call that would go over (RateLimitedError until the next Pacific midnight), a warning at 80 %. Channels sharing
 * one Google project each count their own spending (the real budget is the project's): set dailyQuotaUnits to the
 * share each channel may spend.
 */
export class QuotaLedger {
  constructor(
    private readonly state: PluginStateStore,
    private readonly logger: PluginLogger,
    private readonly budget: number,
    private readonly uploadsPerDay: number,
  ) {}

  async today(now: Date): Promise<QuotaDay> {
    const day = pacificDay(now);
    return (await this.state.get<QuotaDay>(stateKey(day))) ?? { day, units: 0, uploads: 0 };
  }

  async status(now: Date): Promise<QuotaStatus> {
    const today = await this.today(now);
    return {
      ...today,
      budget: this.budget,
      uploadsPerDay: this.uploadsPerDay,
      remainingUnits: Math.max(0, this.budget - today.units),
      remainingUploads: Math.max(0, this.uploadsPerDay - today.uploads),
      resetsAt: nextPacificMidnight(now),
    };
  }

  /** Refuses a call of `units` (and `uploads`) that would exceed today's budget; records it otherwise. */
  async spend(now: Date, units: number, what: string, uploads = 0): Promise<void> {
    const today = await this.today(now);
    const resetAt = nextPacificMidnight(now);
    if (uploads > 0 && today.uploads + uploads > this.uploadsPerDay) {
      throw rateLimited(
        `YouTube's daily upload quota is used up (${today.uploads} of ${this.uploadsPerDay} videos.insert calls today, Pacific Time) before ${what}; it resets at ${resetAt.toISOString()}`,
        resetAt,
      );
    }
    if (today.units + units > this.budget) {
      throw rateLimited(
        `YouTube's daily quota would be exceeded by ${what} (${units} units; ${today.units} of ${this.budget} spent today, Pacific Time); it resets at ${resetAt.toISOString()}`,
        resetAt,
      );
    }
    const next: QuotaDay = { ...today, units: today.units + units, uploads: today.uploads + uploads };
    if (!today.warned && next.units >= this.budget * 0.8) {
      next.warned = true;
      this.logger.warn(
        `YouTube quota: ${next.units} of ${this.budget} units spent today (Pacific Time), 80 % reached; it resets at ${resetAt.toISOString()}`,
        { units: next.units, budget: this.budget, resetsAt: resetAt.toISOString() },
      );
    }
    await this.state.set(stateKey(today.day), next);
  }

  /** Google said the quota is exhausted (403 quotaExceeded): nothing more today, whatever was counted. */
  async exhausted(now: Date): Promise<void> {
    const today = await this.today(now);
    await this.state.set(stateKey(today.day), {
      ...today,
      units: Math.max(today.units, this.budget),
      warned: true,
    });
  }
}
