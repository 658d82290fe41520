import type { ChannelMetrics } from '../../connector';
import { ConformanceProblem } from '../conformance-session';
import type { ConformanceCheck } from './conformance-check';

function countProblems(value: unknown, path: string): string[] {
  if (value === undefined) {
    return [];
  }
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? []
    : [`${path} = ${JSON.stringify(value)} (must be a non-negative finite number or left out)`];
}

function engagementProblems(value: unknown, path: string): string[] {
  if (value === undefined) {
    return [];
  }
  if (!value || typeof value !== 'object') {
    return [`${path} = ${JSON.stringify(value)} (must be an object of counts)`];
  }
  return Object.entries(value).flatMap(([name, count]) => countProblems(count, `${path}.${name}`));
}

export function metricsProblems(metrics: ChannelMetrics): string[] {
  if (!metrics || typeof metrics !== 'object') {
    return [`fetchMetrics answered ${JSON.stringify(metrics)} (must be an object)`];
  }
  const problems = [
    ...countProblems(metrics.followers, 'followers'),
    ...countProblems(metrics.impressions, 'impressions'),
    ...countProblems(metrics.clicks, 'clicks'),
    ...engagementProblems(metrics.engagements, 'engagements'),
  ];
  if (metrics.posts !== undefined && !Array.isArray(metrics.posts)) {
    return [...problems, `posts = ${JSON.stringify(metrics.posts)} (must be an array)`];
  }
  (metrics.posts ?? []).forEach((post, index) => {
    const at = `posts[${index}]`;
    if (typeof post?.remoteId !== 'string' || post.remoteId === '') {
      problems.push(
        `${at}.remoteId = ${JSON.stringify(post?.remoteId)} (must be the post's remoteId, a string)`,
      );
    }
    problems.push(
      ...countProblems(post?.impressions, `${at}.impressions`),
      ...countProblems(post?.clicks, `${at}.clicks`),
      ...engagementProblems(post?.engagements, `${at}.engagements`),
    );
  });
  return problems;
}

export const metricsShape: ConformanceCheck = {
  name: 'metrics-shape',
  title: 'metrics are non-negative finite numbers, and posts[].remoteId are strings',
  capability: 'metrics',
  methods: ['fetchMetrics'],
  async run({ connector, context }) {
    const day = context.clock.now().toISOString().slice(0, 10);
    const problems = metricsProblems(await connector.fetchMetrics!(day));
    if (problems.length > 0) {
      throw new ConformanceProblem(
        `fetchMetrics("${day}") answered a malformed shape: ${problems.join('; ')}`,
      );
    }
  },
};
