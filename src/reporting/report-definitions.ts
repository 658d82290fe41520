import { MEASURES } from './kpi-measures';
import type { ReportFormat } from './report-format';
import type { Definition, ReportDefinitions, ReportPeriod } from './report-model';

function timeZoneNote(timeZone: string, period: ReportPeriod, format: ReportFormat): string {
  const base = `All dates, days and weeks are in ${timeZone}. ${period.label} has ${period.days} days`;
  if (period.dstTransitions.length === 0) {
    return `${base} and no clock change.`;
  }
  const changes = period.dstTransitions
    .map(
      (t) =>
        `clocks went ${t.shiftMinutes > 0 ? 'forward' : 'back'} on ${format.day(t.day)} (UTC${t.offsetBefore} → UTC${t.offsetAfter})`,
    )
    .join('; ');
  return `${base} and ${period.hours} hours: ${changes}. Daily figures follow the local calendar, so that day counts once.`;
}

/** The definitions page: what every figure in the report means, so a client can check it. */
export function reportDefinitions(
  timeZone: string,
  period: ReportPeriod,
  context: {
    slaMinutes: number;
    /** The brand's `inbox.businessHours`; response times count only those hours. */
    businessHours?: string | string[];
    onTimeToleranceMinutes: number;
    format: ReportFormat;
  },
): ReportDefinitions {
  const { format } = context;
  const terms: Definition[] = [
    ...Object.values(MEASURES).map((m) => ({ term: m.label, meaning: m.meaning })),
    {
      term: 'On time',
      meaning: `Published no later than ${format.minutes(context.onTimeToleranceMinutes)} after the scheduled time.`,
    },
    {
      term: 'Response SLA',
      meaning: `The brand’s target time to a first answer: ${format.minutes(context.slaMinutes)}${
        context.businessHours
          ? ` of business hours (${[context.businessHours].flat().join(', ')}, ${timeZone}); response times count only those hours`
          : ', around the clock'
      }. Items still unanswered count against it once it has run out.`,
    },
    {
      term: 'Sign-off lead',
      meaning:
        'Hours between a post’s final approval and its publish time. “9 in 10 at least” is the lead that 90% of posts met or beat.',
    },
    {
      term: 'p90',
      meaning: 'For response times: 90% of items were answered within this time.',
    },
    {
      term: 'Top and bottom posts',
      meaning:
        'Posts published in the month, ranked by engagements (ties by impressions), with lifetime figures.',
    },
    {
      term: 'Change (▲/▼)',
      meaning: 'The difference from the previous month; green when it moved in the good direction.',
    },
  ];
  return {
    timeZone,
    timeZoneNote: timeZoneNote(timeZone, period, format),
    engagementRate: 'Engagement rate = engagements ÷ impressions (not ÷ followers).',
    periodMetrics: ['impressions', 'engagements', 'link clicks', 'posts published', 'inbox items'],
    lifetimeMetrics: [
      'followers (as of the last day of the month with data)',
      'post figures in top and bottom posts (every day measured since the post went out)',
    ],
    terms,
  };
}
