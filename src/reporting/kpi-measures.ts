import type { ChannelFacts, PeriodFacts } from './report-facts';
import type { MeasureUnit } from './report-model';
import { median, ratio, sumPresent } from './report-statistics';

export interface MeasureDefinition {
  label: string;
  unit: MeasureUnit;
  /** The good direction when the KPI config does not say. */
  direction: 'up' | 'down';
  /** For the definitions page. */
  meaning: string;
  /** Brand-wide measures ignore a KPI's channel list. */
  compute(facts: PeriodFacts, channels: readonly string[]): number | null;
}

function pick(facts: PeriodFacts, channels: readonly string[]): ChannelFacts[] {
  return channels.flatMap((id) => {
    const found = facts.channels.get(id);
    return found ? [found] : [];
  });
}

const sumOf =
  (field: 'followersEnd' | 'growth' | 'impressions' | 'engagements' | 'clicks') =>
  (facts: PeriodFacts, channels: readonly string[]) =>
    sumPresent(pick(facts, channels).map((f) => f[field]));

const countOf =
  (field: 'published' | 'missed' | 'inboxReceived') => (facts: PeriodFacts, channels: readonly string[]) =>
    pick(facts, channels).reduce((t, f) => t + f[field], 0);

/** The measures a KPI may name in the brand config (`kpis.<id>.measure`). */
export const MEASURES: Readonly<Record<string, MeasureDefinition>> = {
  followers: {
    label: 'Followers',
    unit: 'count',
    direction: 'up',
    meaning: 'Followers on the last day of the month with a snapshot, summed over channels.',
    compute: sumOf('followersEnd'),
  },
  followerGrowth: {
    label: 'Follower growth',
    unit: 'count',
    direction: 'up',
    meaning: 'Followers at the end of the month minus followers at the end of the month before.',
    compute: sumOf('growth'),
  },
  impressions: {
    label: 'Impressions',
    unit: 'count',
    direction: 'up',
    meaning: 'Times posts were shown, summed over the days of the month.',
    compute: sumOf('impressions'),
  },
  engagements: {
    label: 'Engagements',
    unit: 'count',
    direction: 'up',
    meaning: 'Likes, reposts, replies and other interactions, summed over the days of the month.',
    compute: sumOf('engagements'),
  },
  engagementRate: {
    label: 'Engagement rate',
    unit: 'ratio',
    direction: 'up',
    meaning: 'Engagements ÷ impressions for the month.',
    compute: (facts, channels) =>
      ratio(sumOf('engagements')(facts, channels), sumOf('impressions')(facts, channels)),
  },
  clicks: {
    label: 'Link clicks',
    unit: 'count',
    direction: 'up',
    meaning: 'Clicks on links in posts, summed over the days of the month.',
    compute: sumOf('clicks'),
  },
  postsPublished: {
    label: 'Posts published',
    unit: 'count',
    direction: 'up',
    meaning: 'Post variants that went out in the month (a post on two channels counts twice).',
    compute: countOf('published'),
  },
  onTimeRate: {
    label: 'On-time rate',
    unit: 'ratio',
    direction: 'up',
    meaning: 'Posts due in the month that went out on time ÷ all posts due (late and missed included).',
    compute: (facts, channels) => {
      const rows = pick(facts, channels);
      const onTime = rows.reduce((t, f) => t + f.onTime, 0);
      return ratio(
        onTime,
        rows.reduce((t, f) => t + f.onTime + f.late + f.missed, 0),
      );
    },
  },
  cadenceAdherence: {
    label: 'Cadence adherence',
    unit: 'ratio',
    direction: 'up',
    meaning: 'Posts published ÷ posts the cadence asks for in the month.',
    compute: (facts, channels) => {
      const rows = pick(facts, channels).filter((f) => f.cadenceTarget !== null);
      return rows.length === 0
        ? null
        : ratio(
            rows.reduce((t, f) => t + f.published, 0),
            rows.reduce((t, f) => t + f.cadenceTarget!, 0),
          );
    },
  },
  missedPosts: {
    label: 'Missed posts',
    unit: 'count',
    direction: 'down',
    meaning: 'Posts due in the month that never went out (missed or failed).',
    compute: countOf('missed'),
  },
  inboxVolume: {
    label: 'Inbox items',
    unit: 'count',
    direction: 'up',
    meaning: 'Comments, mentions, replies and messages received in the month.',
    compute: countOf('inboxReceived'),
  },
  firstResponseMinutes: {
    label: 'First response (median)',
    unit: 'minutes',
    direction: 'down',
    meaning: 'Median time from an inbox item arriving to its first answer.',
    compute: (facts, channels) => median(pick(facts, channels).flatMap((f) => f.firstResponseMinutes)),
  },
  slaCompliance: {
    label: 'Response SLA met',
    unit: 'ratio',
    direction: 'up',
    meaning:
      'Inbox items answered within the response SLA ÷ items the SLA applied to (ignored ones excluded).',
    compute: (facts, channels) => {
      const rows = pick(facts, channels);
      return ratio(
        rows.reduce((t, f) => t + f.answeredWithinSla, 0),
        rows.reduce((t, f) => t + f.slaEligible, 0),
      );
    },
  },
  approvalLeadHours: {
    label: 'Sign-off lead (median)',
    unit: 'hours',
    direction: 'up',
    meaning: 'Median hours between a post’s final sign-off and its publish time.',
    compute: (facts) => median(facts.leadTimeHours),
  },
  rejections: {
    label: 'Rejections',
    unit: 'count',
    direction: 'down',
    meaning: 'Approval decisions that rejected a post.',
    compute: (facts) => facts.rejections,
  },
  incidents: {
    label: 'Incidents',
    unit: 'count',
    direction: 'down',
    meaning: 'Incidents the rules opened in the month.',
    compute: (facts) => facts.incidentsOpened,
  },
};

/** Headline tiles shown when the brand configures fewer KPIs than this. */
export const HEADLINE_MEASURES = [
  'followers',
  'engagementRate',
  'impressions',
  'postsPublished',
  'onTimeRate',
  'firstResponseMinutes',
] as const;
