import type { ChannelMetrics } from '../plugin-sdk';

/**
 * How a connector's figures are stored in a snapshot's `metrics` map, and what `metrics.collected` rules
 * see: `followers`, `impressions`, `clicks` and one `engagements.<kind>` per kind the platform reports
 * (`engagements.likes`). The report reads the same names (src/reporting/snapshot-metrics.ts).
 */
export function flattenMetrics(figures: {
  followers?: number;
  impressions?: number;
  clicks?: number;
  engagements?: Record<string, number>;
}): Record<string, number> {
  const flat: Record<string, number> = {};
  const put = (name: string, value: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value)) {
      flat[name] = value;
    }
  };
  put('followers', figures.followers);
  put('impressions', figures.impressions);
  put('clicks', figures.clicks);
  for (const [kind, value] of Object.entries(figures.engagements ?? {})) {
    put(`engagements.${kind}`, value);
  }
  return flat;
}

/** Channel-level figures of a fetch (without the per-post list). */
export function channelFigures(metrics: ChannelMetrics): Record<string, number> {
  return flattenMetrics({
    followers: metrics.followers,
    impressions: metrics.impressions,
    clicks: metrics.clicks,
    engagements: metrics.engagements,
  });
}
