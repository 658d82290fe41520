/**
 * The monthly report data model: what a report template receives. This file is the contract template
 * authors write against, so every field says what it means and what "no data" looks like. It is part of
 * the plugin SDK (`ReportModel` and the section types are exported from its index) and versioned with
 * REPORT_MODEL_VERSION below.
 *
 * Conventions that hold everywhere below:
 * - Numbers are raw (`0.0342`, not `"3.4%"`); templates format them with the template's helpers in
 *   `brand.locale`. `null` always means "no data yet" (never NaN, never a made-up zero).
 * - Instants are ISO-8601 UTC strings (`2026-10-05T08:30:00.000Z`); calendar days are `YYYY-MM-DD` in the
 *   brand's time zone. Format both in `brand.timeZone`.
 * - Ratios are fractions in [0, 1] (engagement rate, on-time rate, SLA compliance).
 * - Durations carry their unit in the field name (`…Minutes`, `…Hours`).
 * - Strings that came from people (captions, titles, incident titles, comments) are untrusted: templates
 *   print them with `{{ }}` (escaped), never `{{{ }}}`.
 */

/** Bumped when a field is removed or changes meaning; adding fields keeps the version. */
export const REPORT_MODEL_VERSION = 1;

export interface ReportModel {
  version: typeof REPORT_MODEL_VERSION;
  /** When the model was built. */
  generatedAt: string;
  brand: ReportBrand;
  period: ReportPeriod;
  /** The month the deltas compare against. */
  previousPeriod: ReportPeriod;
  /** False when the month has no metrics and no activity at all: templates show a "no data yet" report. */
  hasData: boolean;
  /** Executive summary tiles: the brand's configured KPIs, then headline figures not already covered. */
  kpis: KpiTile[];
  /** One row per channel of the brand, in config order. */
  channels: ChannelKpiRow[];
  audience: AudienceSection;
  reach: ReachSection;
  publishing: PublishingSection;
  approvals: ApprovalsSection;
  inbox: InboxSection;
  incidents: IncidentsSection;
  posts: PostsSection;
  /** What worked, what stalled, what to change next month: rule-based, each with its evidence. */
  recommendations: RecommendationGroups;
  definitions: ReportDefinitions;
}

export interface ReportBrand {
  /** The brand's key in the configuration. */
  id: string;
  name: string;
  /** IANA zone every date and day in the report is in. */
  timeZone: string;
  /** BCP 47 locale for numbers and dates (e.g. `en-GB`). */
  locale: string;
  /** The person who owns the brand's cycle. */
  owner: { id: string; name: string };
}

export interface ReportPeriod {
  /** `YYYY-MM`. */
  month: string;
  /** The month written out in the brand's locale, e.g. "October 2026". */
  label: string;
  /** First instant of the month in the brand's zone (inclusive). */
  start: string;
  /** First instant of the next month in the brand's zone (exclusive). */
  end: string;
  firstDay: string;
  lastDay: string;
  /** Calendar days in the month. */
  days: number;
  /** Elapsed hours: 24 × days, ± 1 for every daylight-saving change inside the month. */
  hours: number;
  /** Clock changes inside the month; empty when there are none. */
  dstTransitions: DstTransition[];
  /** True when `generatedAt` falls before the end of the month: figures are month-to-date. */
  partial: boolean;
}

export interface DstTransition {
  /** The instant the clocks changed. */
  at: string;
  /** Local calendar day of the change. */
  day: string;
  /** UTC offsets before and after, e.g. `+01:00` → `+00:00`. */
  offsetBefore: string;
  offsetAfter: string;
  /** Minutes the clocks moved: positive forward (a short day), negative back (a long day). */
  shiftMinutes: number;
}

/** A figure for this month beside the same figure for the previous month. */
export interface Comparison {
  value: number | null;
  previous: number | null;
  /** value − previous; null when either is missing. */
  delta: number | null;
  /** delta ÷ |previous|; null when either is missing or previous is 0. */
  deltaRatio: number | null;
}

/** How a figure is measured, so a template knows how to format it. */
export type MeasureUnit = 'count' | 'ratio' | 'minutes' | 'hours';

export type KpiStatus = 'good' | 'bad' | 'neutral' | 'no-data';

export interface KpiTile extends Comparison {
  /** KPI id from the config, or the measure name for a headline tile. */
  id: string;
  label: string;
  /** Measure name, e.g. `followers`, `engagementRate` (see kpi-measures.ts and `definitions.terms`). */
  measure: string;
  unit: MeasureUnit;
  target: number | null;
  /** Which direction is good for this measure. */
  direction: 'up' | 'down';
  /** Whether `value` meets `target` in `direction`; null without a target or a value. */
  targetMet: boolean | null;
  /** good/bad against the target when there is one, otherwise by the month-on-month change. */
  status: KpiStatus;
  /** True when the tile came from the brand's `kpis` config rather than the headline defaults. */
  configured: boolean;
  /** Channels the figure covers (all of the brand's when the KPI names none). */
  channels: string[];
  /** Why a tile has no value, e.g. an unknown measure name. */
  note: string | null;
}

export interface ChannelRef {
  /** The channel's key in the brand's config. */
  id: string;
  /** Connector plugin name, e.g. `bluesky`. */
  connector: string;
  /** A readable name: "Bluesky", or the key when the connector is unknown. */
  label: string;
}

export interface ChannelKpiRow extends ChannelRef {
  /** Followers on the last day with data in the month (lifetime metric). */
  followers: Comparison;
  /** Followers at month end minus followers at the end of the previous month. */
  followerGrowth: Comparison;
  impressions: Comparison;
  engagements: Comparison;
  /** engagements ÷ impressions for the month. */
  engagementRate: Comparison;
  clicks: Comparison;
  published: Comparison;
  /** Posts the cadence asks for this month: postsPerWeek × days ÷ 7, rounded; null without a cadence. */
  cadenceTarget: number | null;
  onTimeRate: Comparison;
  hasData: boolean;
}

/** A value per day of the month, aligned with the section's `days`; null on a day without a snapshot. */
export interface DailySeries extends ChannelRef {
  points: Array<number | null>;
}

export interface AudienceSection {
  /** Every calendar day of the month, in order. */
  days: string[];
  /** Daily followers per channel. */
  followers: DailySeries[];
  /** Followers across all channels at month end. */
  total: Comparison;
  /** Net follower change across all channels in the month. */
  growth: Comparison;
  hasData: boolean;
}

/** One of a channel's figures under the network's own name (SDK 2.2). */
export interface NetworkFigure {
  /** The stored metric: `followers`, `impressions`, `clicks` or `engagements.<kind>`. */
  metric: string;
  /** The network's name for it (`capabilities.metricNames`): "Subscribers", "Views", "Saves"; else a common name. */
  name: string;
  /** Followers as of the period's last day with data; every other figure summed over the period's days. */
  value: Comparison;
}

/** A channel's figures as its network names them, for channels that reported any in the month (SDK 2.2). */
export interface ChannelNetworkFigures extends ChannelRef {
  figures: NetworkFigure[];
}

export interface ReachSection {
  /** Each channel's own figures under its network's names (SDK 2.2). */
  byNetwork: ChannelNetworkFigures[];
  days: string[];
  impressions: DailySeries[];
  engagements: DailySeries[];
  totals: {
    impressions: Comparison;
    engagements: Comparison;
    engagementRate: Comparison;
    clicks: Comparison;
  };
  hasData: boolean;
}

export interface PublishingChannelRow extends ChannelRef {
  /** Variants published in the month (by publish time). */
  published: number;
  /** Variants scheduled for the month that were not cancelled: the plan. */
  planned: number;
  postsPerWeek: number | null;
  cadenceTarget: number | null;
  /** Published within the on-time tolerance of their scheduled time. */
  onTime: number;
  late: number;
  /** Due in the month but never published: state `missed` or `failed`. */
  missed: number;
  /** onTime ÷ (onTime + late + missed); null when nothing was due. */
  onTimeRate: number | null;
}

export interface PublishingWeek {
  /** Monday of the week (may be in the previous month), and the part of it inside the month. */
  weekStart: string;
  firstDay: string;
  lastDay: string;
  published: number;
  planned: number;
  /** Cadence target prorated to the days of this week inside the month; null without a cadence. */
  target: number | null;
}

export interface PublishingSection {
  channels: PublishingChannelRow[];
  totals: Omit<PublishingChannelRow, keyof ChannelRef>;
  previous: { published: number; onTimeRate: number | null };
  weeks: PublishingWeek[];
  /** Minutes after the scheduled time a post still counts as on time. */
  onTimeToleranceMinutes: number;
  hasData: boolean;
}

/** The median and the slow tail of a set of durations. */
export interface DurationStats {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface ApprovalsSection {
  /** Decisions recorded in the month. */
  decisions: number;
  approved: number;
  rejections: number;
  changesRequested: number;
  /** Steps of posts due in the month that are still waiting for a decision. */
  pending: number;
  /** Steps of posts due in the month decided after their due time, or still pending past it. */
  overdue: number;
  /**
   * Hours between a post's final sign-off and its publish time, for posts signed off in the month.
   * Here the slow tail is the *short* lead: `p90` is the lead that 90% of posts met or beat (the 10th
   * percentile), so "p90 under the sign-off window" means more than 1 post in 10 was signed off late.
   */
  leadTimeHours: DurationStats;
  previousLeadTimeHours: DurationStats;
  /** The shortest `dueBefore` of a final approval step in the brand's chains: sign-off should land before it. */
  signOffWindowHours: number | null;
  hasData: boolean;
}

export interface InboxSection {
  received: Comparison;
  answered: number;
  /** Not answered, not ignored, and already past the SLA. */
  unansweredPastSla: number;
  escalated: number;
  byKind: Array<{ kind: string; count: number }>;
  /** Minutes from receipt to first answer, for items answered. */
  firstResponseMinutes: DurationStats;
  previousFirstResponseMinutes: DurationStats;
  slaMinutes: number;
  /** Share of items (ignored ones excluded) answered within the SLA; null when there were none. */
  slaCompliance: Comparison;
  hasData: boolean;
}

export interface IncidentItem {
  /** Untrusted text (escape it). */
  title: string;
  rule: string;
  severity: string;
  state: string;
  openedAt: string;
  resolvedAt: string | null;
  /** Minutes from opening to acknowledgement; null when nobody acknowledged it. */
  acknowledgedAfterMinutes: number | null;
}

export interface IncidentsSection {
  opened: Comparison;
  resolved: number;
  /** Opened before the month ended and not resolved by then. */
  openAtEnd: number;
  bySeverity: Array<{ severity: string; count: number }>;
  timeToAcknowledgeMinutes: DurationStats;
  /** The month's incidents, newest first, at most 10. */
  items: IncidentItem[];
  hasData: boolean;
}

export interface PostPerformance {
  postId: string;
  /** Untrusted text (escape it). */
  title: string;
  /** The text as published on the channel, cut to 160 graphemes. Untrusted (escape it). */
  caption: string;
  channel: ChannelRef;
  publishedAt: string;
  campaign: string | null;
  theme: string | null;
  /** Lifetime figures: every daily snapshot of the post collected so far. */
  impressions: number;
  engagements: number;
  engagementRate: number | null;
  url: string | null;
}

export interface PostsSection {
  /** Best posts of the month by engagements (ties by impressions), at most 5. */
  top: PostPerformance[];
  /** Weakest posts not already in `top`, weakest first, at most 3. */
  bottom: PostPerformance[];
  /** Posts published in the month that have metrics. */
  ranked: number;
  /** Engagement rate across all ranked posts, the baseline "out-performed" is measured against. */
  averageEngagementRate: number | null;
}

export type RecommendationKind = 'worked' | 'stalled' | 'change';

export interface Evidence {
  /** What the number is, e.g. "published on Bluesky". */
  label: string;
  /** The number formatted in the brand's locale, e.g. "9" or "3.4%". */
  value: string;
}

export interface Recommendation {
  /** The rule that produced it, e.g. `cadence-shortfall`; stable for tests and styling. */
  rule: string;
  kind: RecommendationKind;
  /** One line, imperative for `change`, e.g. "Publish 2 more posts per week on Bluesky". */
  title: string;
  /** A sentence or two on why. */
  detail: string;
  /** The numbers the recommendation rests on. Never empty. */
  evidence: Evidence[];
}

export interface RecommendationGroups {
  worked: Recommendation[];
  stalled: Recommendation[];
  change: Recommendation[];
}

export interface Definition {
  term: string;
  meaning: string;
}

export interface ReportDefinitions {
  timeZone: string;
  /** A sentence on the zone and any clock change in the month. */
  timeZoneNote: string;
  /** How engagement rate is computed: engagements ÷ impressions. */
  engagementRate: string;
  /** Figures summed over the days of the month. */
  periodMetrics: string[];
  /** Figures read as of a day (followers) or over a post's whole life (post figures). */
  lifetimeMetrics: string[];
  /** Every term the report uses, in reading order. */
  terms: Definition[];
}

/** Chart SVGs the host renders from the model; already safe markup (no script, no external reference). */
export interface ReportCharts {
  audience: string;
  reach: string;
  engagement: string;
  publishing: string;
}

/**
 * The root object a template is rendered with: the model, the charts and the template's validated
 * options from `reports.templateOptions`.
 */
export type ReportTemplateContext = ReportModel & {
  charts: ReportCharts;
  options: Record<string, unknown>;
};
