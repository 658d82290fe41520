/**
 * How the report reads a metric snapshot's `metrics` map. Connectors return engagements as a map by kind
 * (likes, reposts, replies…); a collector may store that map flattened (`engagements.likes`), as bare kinds
 * (`likes`) or as a total (`engagements`). The report accepts all three so it does not depend on which.
 */
export const ENGAGEMENT_KINDS = [
  'likes',
  'reposts',
  'replies',
  'quotes',
  'comments',
  'shares',
  'saves',
  'boosts',
  'favourites',
  'reactions',
] as const;

export interface SnapshotFigures {
  followers: number | null;
  impressions: number | null;
  engagements: number | null;
  clicks: number | null;
}

function finite(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function engagementsOf(metrics: Readonly<Record<string, number>>): number | null {
  const total = finite(metrics.engagements);
  if (total !== null) {
    return total;
  }
  const prefixed = Object.entries(metrics).filter(([name]) => name.startsWith('engagements.'));
  const parts = prefixed.length > 0 ? prefixed.map(([, v]) => v) : ENGAGEMENT_KINDS.map((k) => metrics[k]);
  const present = parts.map(finite).filter((v): v is number => v !== null);
  return present.length > 0 ? present.reduce((a, b) => a + b, 0) : null;
}

export function figuresOf(metrics: Readonly<Record<string, number>>): SnapshotFigures {
  return {
    followers: finite(metrics.followers),
    impressions: finite(metrics.impressions),
    engagements: engagementsOf(metrics),
    clicks: finite(metrics.clicks),
  };
}
