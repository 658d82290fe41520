import type { ChannelRef } from './report-model';
import type { PeriodWindow } from './report-period';

/**
 * Internal to the builder: the figures of one month, per channel and brand-wide, from which KPI tiles,
 * table rows and recommendations are all computed. Built once for the report month and once for the
 * month before, so every delta compares like with like.
 */
export interface ChannelFacts {
  /** Followers on the last day with a snapshot. */
  followersEnd: number | null;
  /** followersEnd minus the last figure before the month (or the month's first figure without one). */
  growth: number | null;
  impressions: number | null;
  engagements: number | null;
  clicks: number | null;
  published: number;
  planned: number;
  onTime: number;
  late: number;
  missed: number;
  cadenceTarget: number | null;
  inboxReceived: number;
  firstResponseMinutes: number[];
  answeredWithinSla: number;
  /** Items the SLA applies to: not ignored, and either answered or already past the SLA. */
  slaEligible: number;
}

export interface PeriodFacts {
  /** By channel key. */
  channels: Map<string, ChannelFacts>;
  leadTimeHours: number[];
  rejections: number;
  incidentsOpened: number;
}

/** A configured channel as the report sees it. */
export interface ReportChannel extends ChannelRef {
  /** Database id; null when the channel is configured but has never been synced (so has no rows). */
  dbId: string | null;
  postsPerWeek: number | null;
}

/** The report month and the month before it. */
export interface ReportWindows {
  current: PeriodWindow;
  previous: PeriodWindow;
  timeZone: string;
  now: Date;
}

export function emptyChannelFacts(): ChannelFacts {
  return {
    followersEnd: null,
    growth: null,
    impressions: null,
    engagements: null,
    clicks: null,
    published: 0,
    planned: 0,
    onTime: 0,
    late: 0,
    missed: 0,
    cadenceTarget: null,
    inboxReceived: 0,
    firstResponseMinutes: [],
    answeredWithinSla: 0,
    slaEligible: 0,
  };
}

/** Per-channel facts for every channel, so a calculator can fill in its own fields. */
export function channelFactsMap(channels: readonly ReportChannel[]): Map<string, ChannelFacts> {
  return new Map(channels.map((c) => [c.id, emptyChannelFacts()]));
}
