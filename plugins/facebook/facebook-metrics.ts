import type { ChannelMetrics } from '../../src/plugin-sdk';
import type { GraphApi } from './facebook-api';
import { unixSeconds } from './facebook-time';

/**
 * Page Insights metrics still current in v26.0 (https://developers.facebook.com/docs/platforminsights/page/):
 * `page_follows` (followers; page_fans was removed on 15 November 2025), `page_media_view` (views of the Page's
 * content; the `impressions` metrics were removed in 2025 with views as their replacement) and
 * `page_post_engagements` (reactions, comments, shares and clicks on the Page's posts). A deprecated metric
 * makes Graph refuse the whole call (code 100, "The value must be a valid insights metric").
 */
export const PAGE_METRICS = ['page_follows', 'page_media_view', 'page_post_engagements'] as const;

interface InsightsAnswer {
  data?: Array<{ name?: unknown; period?: unknown; values?: Array<{ value?: unknown; end_time?: unknown }> }>;
}

/** A metric's value for the day: the last value Graph gave, when it is a non-negative number. */
function valueOf(answer: InsightsAnswer, name: string): number | undefined {
  const metric = (answer.data ?? []).find((entry) => entry.name === name);
  const values = metric?.values ?? [];
  const value = values[values.length - 1]?.value;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** `day` (YYYY-MM-DD) as Graph's [since, until) in Unix seconds: the UTC day (Page Insights' days are Pacific time). */
export function dayRange(day: string): { since: number; until: number } {
  const start = new Date(`${day}T00:00:00.000Z`);
  return { since: unixSeconds(start), until: unixSeconds(start) + 86_400 };
}

export async function fetchPageMetrics(api: GraphApi, pageId: string, day: string): Promise<ChannelMetrics> {
  const { since, until } = dayRange(day);
  const answer = await api.call<InsightsAnswer>({
    path: `${pageId}/insights`,
    params: { metric: PAGE_METRICS.join(','), period: 'day', since, until },
    what: `reading Page ${pageId}'s insights for ${day}`,
  });
  const followers = valueOf(answer.body, 'page_follows');
  const impressions = valueOf(answer.body, 'page_media_view');
  const engagements = valueOf(answer.body, 'page_post_engagements');
  return {
    ...(followers !== undefined ? { followers } : {}),
    ...(impressions !== undefined ? { impressions } : {}),
    ...(engagements !== undefined ? { engagements: { postEngagements: engagements } } : {}),
  };
}
