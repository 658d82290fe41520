import type { ReportFormat } from './report-format';
import type {
  ApprovalsSection,
  AudienceSection,
  ChannelKpiRow,
  InboxSection,
  IncidentsSection,
  PostPerformance,
  PublishingSection,
  ReachSection,
  Recommendation,
  RecommendationGroups,
  ReportPeriod,
} from './report-model';

export interface RecommendationInput {
  format: ReportFormat;
  period: ReportPeriod;
  hasData: boolean;
  channels: readonly ChannelKpiRow[];
  audience: AudienceSection;
  reach: ReachSection;
  publishing: PublishingSection;
  approvals: ApprovalsSection;
  inbox: InboxSection;
  incidents: IncidentsSection;
  /** Every ranked post of the month, best first. */
  ranked: readonly PostPerformance[];
  averageEngagementRate: number | null;
}

type Rule = (input: RecommendationInput) => Recommendation[];

/** A group of posts must beat the month's average by this much, with at least this many posts, to count. */
const OUTPERFORM_FACTOR = 1.2;
const OUTPERFORM_MIN_POSTS = 2;
/** A month-on-month change in engagement rate smaller than this is noise. */
const ENGAGEMENT_SHIFT = 0.1;
const SLA_COMPLIANCE_FLOOR = 0.9;

const noDataYet: Rule = ({ hasData, period }) =>
  hasData
    ? []
    : [
        {
          rule: 'no-data-yet',
          kind: 'change',
          title: 'Collect a full month of data',
          detail: `Nothing was published, measured or received in ${period.label}. Check that every channel is connected and that metrics collection runs daily; next month's report will then have figures to compare.`,
          evidence: [
            { label: 'metric snapshots', value: '0' },
            { label: 'posts published', value: '0' },
          ],
        },
      ];

const audienceGrowth: Rule = ({ audience, format }) => {
  const { value: growth } = audience.growth;
  const total = audience.total.value;
  if (growth === null || growth <= 0 || total === null) {
    return [];
  }
  return [
    {
      rule: 'audience-growth',
      kind: 'worked',
      title: `The audience grew by ${format.count(growth)} followers`,
      detail: `Followers across all channels reached ${format.count(total)}.`,
      evidence: [
        { label: 'followers at month end', value: format.count(total) },
        { label: 'net new followers', value: format.count(growth) },
        ...(audience.growth.previous !== null
          ? [{ label: 'net new followers the month before', value: format.count(audience.growth.previous) }]
          : []),
      ],
    },
  ];
};

const fallingFollowers: Rule = ({ channels, format }) =>
  channels.flatMap((channel): Recommendation[] => {
    const growth = channel.followerGrowth.value;
    if (growth === null || growth >= 0) {
      return [];
    }
    return [
      {
        rule: 'falling-followers',
        kind: 'stalled',
        title: `Followers fell on ${channel.label}`,
        detail: `${channel.label} lost ${format.count(-growth)} followers. Review what went out there this month and the replies it drew before planning the next one.`,
        evidence: [
          {
            label: `followers on ${channel.label} at month end`,
            value: format.count(channel.followers.value ?? 0),
          },
          { label: 'net change', value: format.count(growth) },
        ],
      },
    ];
  });

const engagementTrend: Rule = ({ reach, format }) => {
  const { value, previous, deltaRatio } = reach.totals.engagementRate;
  if (value === null || previous === null || deltaRatio === null || Math.abs(deltaRatio) < ENGAGEMENT_SHIFT) {
    return [];
  }
  const up = deltaRatio > 0;
  return [
    {
      rule: 'engagement-trend',
      kind: up ? 'worked' : 'stalled',
      title: up ? 'Engagement rate rose' : 'Engagement rate fell',
      detail: up
        ? 'A larger share of the people who saw posts interacted with them than the month before.'
        : 'A smaller share of the people who saw posts interacted with them than the month before.',
      evidence: [
        { label: 'engagement rate', value: format.percent(value) },
        { label: 'the month before', value: format.percent(previous) },
      ],
    },
  ];
};

function samePosts(a: readonly PostPerformance[], b: readonly PostPerformance[]): boolean {
  const ids = new Set(a.map((p) => `${p.postId}/${p.channel.id}`));
  return a.length === b.length && b.every((p) => ids.has(`${p.postId}/${p.channel.id}`));
}

/** Themes and campaigns whose posts beat the month's engagement rate: do more of them. */
const themeOutperformed: Rule = ({ ranked, averageEngagementRate, format }) => {
  if (averageEngagementRate === null || averageEngagementRate === 0) {
    return [];
  }
  const groups = new Map<string, { name: string; kind: string; posts: PostPerformance[] }>();
  for (const post of ranked) {
    for (const [kind, name] of [
      ['campaign', post.campaign],
      ['theme', post.theme],
    ] as const) {
      if (name) {
        const key = `${kind}:${name}`;
        const group = groups.get(key) ?? { name, kind, posts: [] };
        group.posts.push(post);
        groups.set(key, group);
      }
    }
  }
  return (
    [...groups.values()]
      .map((group) => {
        const impressions = group.posts.reduce((t, p) => t + p.impressions, 0);
        const rate = impressions > 0 ? group.posts.reduce((t, p) => t + p.engagements, 0) / impressions : 0;
        return { ...group, rate };
      })
      .filter(
        (g) => g.posts.length >= OUTPERFORM_MIN_POSTS && g.rate >= averageEngagementRate * OUTPERFORM_FACTOR,
      )
      // Campaigns first: when a campaign and a theme hold the same posts, the campaign is the one to name.
      .sort((a, b) => b.rate - a.rate || a.kind.localeCompare(b.kind))
      .filter(
        (group, index, all) => !all.slice(0, index).some((other) => samePosts(other.posts, group.posts)),
      )
      .slice(0, 2)
      .flatMap((group): Recommendation[] => {
        const evidence = [
          { label: `posts in the ${group.kind}`, value: format.count(group.posts.length) },
          { label: `engagement rate of the ${group.kind}`, value: format.percent(group.rate) },
          { label: 'engagement rate of all posts', value: format.percent(averageEngagementRate) },
        ];
        return [
          {
            rule: 'theme-outperformed',
            kind: 'worked',
            title: `“${group.name}” posts out-performed`,
            detail: `The ${group.kind} earned ${format.percent(group.rate / averageEngagementRate - 1)} more engagement per impression than the month’s average.`,
            evidence,
          },
          {
            rule: 'theme-outperformed',
            kind: 'change',
            title: `Do more of “${group.name}”`,
            detail: `Plan more posts in this ${group.kind} next month; it is what the audience responded to.`,
            evidence,
          },
        ];
      })
  );
};

const topPost: Rule = ({ ranked, format }) => {
  const best = ranked[0];
  if (!best || best.engagements === 0) {
    return [];
  }
  return [
    {
      rule: 'top-post',
      kind: 'worked',
      title: `Best post: “${best.title}” on ${best.channel.label}`,
      detail: 'It earned the most engagements of the month; reuse its format or angle.',
      evidence: [
        { label: 'engagements', value: format.count(best.engagements) },
        { label: 'impressions', value: format.count(best.impressions) },
        ...(best.engagementRate !== null
          ? [{ label: 'engagement rate', value: format.percent(best.engagementRate) }]
          : []),
      ],
    },
  ];
};

/** A channel that published less than its cadence asks for: how many more posts a week close the gap. */
const cadenceShortfall: Rule = ({ publishing, period, format }) =>
  publishing.channels.flatMap((row): Recommendation[] => {
    if (row.cadenceTarget === null || row.postsPerWeek === null || row.published >= row.cadenceTarget) {
      return [];
    }
    const perWeek = Math.max(1, Math.ceil((row.cadenceTarget - row.published) / (period.days / 7)));
    return [
      {
        rule: 'cadence-shortfall',
        kind: 'change',
        title: `Publish ${format.count(perWeek)} more ${perWeek === 1 ? 'post' : 'posts'} per week on ${row.label}`,
        detail: `${row.label} published ${format.count(row.published)} of the ${format.count(row.cadenceTarget)} posts its cadence of ${format.count(row.postsPerWeek)} a week asks for.`,
        evidence: [
          { label: `published on ${row.label}`, value: format.count(row.published) },
          { label: 'cadence target for the month', value: format.count(row.cadenceTarget) },
          { label: 'planned', value: format.count(row.planned) },
        ],
      },
    ];
  });

const missedPosts: Rule = ({ publishing, format }) => {
  const { missed, onTimeRate } = publishing.totals;
  if (missed === 0) {
    return [];
  }
  return [
    {
      rule: 'missed-posts',
      kind: 'stalled',
      title: `${format.count(missed)} scheduled ${missed === 1 ? 'post' : 'posts'} never went out`,
      detail:
        'Posts that miss their slot leave the channel quiet; check failed connectors and late approvals.',
      evidence: [
        { label: 'missed or failed', value: format.count(missed) },
        ...(onTimeRate !== null ? [{ label: 'on-time rate', value: format.percent(onTimeRate) }] : []),
      ],
    },
  ];
};

/** The slow tail of sign-off lead sits inside the sign-off window: content waits on approvers. */
const approvalsStalling: Rule = ({ approvals, format }) => {
  const { p90, median } = approvals.leadTimeHours;
  const window = approvals.signOffWindowHours;
  if (p90 === null || median === null || window === null || p90 >= window) {
    return [];
  }
  return [
    {
      rule: 'approvals-stalling',
      kind: 'stalled',
      title: 'Approvals are stalling',
      detail: `More than 1 post in 10 was signed off less than ${format.hours(window)} before publishing. Send drafts for review earlier or add a backup approver.`,
      evidence: [
        { label: 'sign-off lead, 9 in 10 posts at least', value: format.hours(p90) },
        { label: 'sign-off lead, median', value: format.hours(median) },
        { label: 'sign-off window', value: format.hours(window) },
        { label: 'rejections', value: format.count(approvals.rejections) },
      ],
    },
  ];
};

const slowFirstResponse: Rule = ({ inbox, format }) => {
  const { median } = inbox.firstResponseMinutes;
  const compliance = inbox.slaCompliance.value;
  const slow = median !== null && median > inbox.slaMinutes;
  const missing = compliance !== null && compliance < SLA_COMPLIANCE_FLOOR;
  if (!slow && !missing) {
    return [];
  }
  return [
    {
      rule: 'slow-first-response',
      kind: 'stalled',
      title: slow ? 'Replies are slower than the response SLA' : 'Too many replies miss the response SLA',
      detail: `Aim to answer within ${format.minutes(inbox.slaMinutes)}: agree who watches the inbox at which hours, and escalate anything that waits longer.`,
      evidence: [
        ...(median !== null ? [{ label: 'median first response', value: format.minutes(median) }] : []),
        { label: 'response SLA', value: format.minutes(inbox.slaMinutes) },
        ...(compliance !== null ? [{ label: 'answered within SLA', value: format.percent(compliance) }] : []),
        { label: 'unanswered past SLA', value: format.count(inbox.unansweredPastSla) },
      ],
    },
  ];
};

const openIncidents: Rule = ({ incidents, format }) =>
  incidents.openAtEnd === 0
    ? []
    : [
        {
          rule: 'open-incidents',
          kind: 'stalled',
          title: `${format.count(incidents.openAtEnd)} ${incidents.openAtEnd === 1 ? 'incident is' : 'incidents are'} still open`,
          detail: 'Resolve or hand over open incidents before the next cycle starts.',
          evidence: [
            { label: 'open at month end', value: format.count(incidents.openAtEnd) },
            { label: 'opened this month', value: format.count(incidents.opened.value ?? 0) },
          ],
        },
      ];

/** In reading order: the template lists each group in the order its rules appear here. */
export const RECOMMENDATION_RULES: readonly Rule[] = [
  noDataYet,
  audienceGrowth,
  themeOutperformed,
  topPost,
  engagementTrend,
  fallingFollowers,
  missedPosts,
  approvalsStalling,
  slowFirstResponse,
  openIncidents,
  cadenceShortfall,
];

export function recommend(input: RecommendationInput): RecommendationGroups {
  const groups: RecommendationGroups = { worked: [], stalled: [], change: [] };
  // With nothing measured, every other rule would only restate "zero"; one clear next step is better.
  for (const rule of input.hasData ? RECOMMENDATION_RULES : [noDataYet]) {
    for (const recommendation of rule(input)) {
      groups[recommendation.kind].push(recommendation);
    }
  }
  return groups;
}
