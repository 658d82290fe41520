import type { ChannelMetrics } from '../../src/plugin-sdk';
import type { GraphPage, ThreadsApi } from './threads-api';

/** An insights metric: `values[]` per period (views) or `total_value` (the others). */
interface Insight {
  name: string;
  values?: Array<{ value?: number }>;
  total_value?: { value?: number };
}

const ENGAGEMENTS = ['likes', 'replies', 'reposts', 'quotes'] as const;

const valueOf = (insight: Insight | undefined): number | undefined => {
  if (!insight) {
    return undefined;
  }
  if (typeof insight.total_value?.value === 'number') {
    return insight.total_value.value;
  }
  const values = (insight.values ?? [])
    .map((entry) => entry.value)
    .filter((value) => typeof value === 'number');
  return values.length > 0 ? values.reduce((sum, value) => sum + value, 0) : undefined;
};

function engagementsOf(byName: Map<string, Insight>): Record<string, number> {
  const engagements: Record<string, number> = {};
  for (const name of [...ENGAGEMENTS, 'shares']) {
    const value = valueOf(byName.get(name));
    if (value !== undefined) {
      engagements[name] = value;
    }
  }
  return engagements;
}

/**
 * One day's metrics (`day` taken as a UTC day): the account's insights (GET /{user}/threads_insights: views,
 * likes, replies, reposts, quotes, followers_count) and each post published that day (GET /{media}/insights).
 * A metric Threads leaves out stays out, never 0.
 */
export async function fetchThreadsMetrics(
  api: ThreadsApi,
  userId: string,
  day: string,
): Promise<ChannelMetrics> {
  const start = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000);
  const until = start + 86_400;
  const account = await api.call<{ data?: Insight[] }>({
    path: `/${userId}/threads_insights`,
    params: { metric: 'views,likes,replies,reposts,quotes,followers_count', since: start, until },
    what: "reading the account's insights",
  });
  const byName = new Map((account.data ?? []).map((insight) => [insight.name, insight]));
  const posts = await api.call<GraphPage<{ id: string }>>({
    path: `/${userId}/threads`,
    params: { fields: 'id,timestamp', since: start, until, limit: 100 },
    what: "listing the day's posts",
  });
  const perPost: NonNullable<ChannelMetrics['posts']> = [];
  for (const post of posts.data ?? []) {
    const insights = await api.call<{ data?: Insight[] }>({
      path: `/${post.id}/insights`,
      params: { metric: 'views,likes,replies,reposts,quotes,shares' },
      what: "reading a post's insights",
    });
    const names = new Map((insights.data ?? []).map((insight) => [insight.name, insight]));
    const impressions = valueOf(names.get('views'));
    perPost.push({
      remoteId: post.id,
      ...(impressions === undefined ? {} : { impressions }),
      engagements: engagementsOf(names),
    });
  }
  const followers = valueOf(byName.get('followers_count'));
  const impressions = valueOf(byName.get('views'));
  return {
    ...(followers === undefined ? {} : { followers }),
    ...(impressions === undefined ? {} : { impressions }),
    engagements: engagementsOf(byName),
    posts: perPost,
  };
}
