import type { ChannelMetricsCalculator } from './channel-metrics.calculator';
import type { ChannelFacts, ReportChannel, ReportWindows } from './report-facts';
import type {
  AudienceSection,
  ChannelKpiRow,
  ChannelNetworkFigures,
  ChannelRef,
  DailySeries,
  ReachSection,
} from './report-model';
import { compare, ratio, sumPresent } from './report-statistics';

/** Names people know platforms by; anything else is shown with its first letter capitalised. */
const CONNECTOR_LABELS: Readonly<Record<string, string>> = {
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  sandbox: 'Sandbox',
  linkedin: 'LinkedIn',
  instagram: 'Instagram',
  facebook: 'Facebook',
  threads: 'Threads',
  x: 'X',
  youtube: 'YouTube',
  tiktok: 'TikTok',
};

export function channelLabel(key: string, connector: string, connectorCount: number): string {
  const name = CONNECTOR_LABELS[connector] ?? connector.charAt(0).toUpperCase() + connector.slice(1);
  // Two accounts on one platform need their key to be told apart.
  return connectorCount > 1 ? `${name} · ${key}` : name;
}

const ref = (c: ReportChannel): ChannelRef => ({ id: c.id, connector: c.connector, label: c.label });

const onTimeRate = (f: ChannelFacts) => ratio(f.onTime, f.onTime + f.late + f.missed);

export function channelRows(
  channels: readonly ReportChannel[],
  current: ReadonlyMap<string, ChannelFacts>,
  previous: ReadonlyMap<string, ChannelFacts>,
): ChannelKpiRow[] {
  return channels.map((channel) => {
    const now = current.get(channel.id)!;
    const before = previous.get(channel.id)!;
    return {
      ...ref(channel),
      followers: compare(now.followersEnd, before.followersEnd),
      followerGrowth: compare(now.growth, before.growth),
      impressions: compare(now.impressions, before.impressions),
      engagements: compare(now.engagements, before.engagements),
      engagementRate: compare(
        ratio(now.engagements, now.impressions),
        ratio(before.engagements, before.impressions),
      ),
      clicks: compare(now.clicks, before.clicks),
      published: compare(now.published, before.published),
      cadenceTarget: now.cadenceTarget,
      onTimeRate: compare(onTimeRate(now), onTimeRate(before)),
      hasData: now.followersEnd !== null || now.impressions !== null || now.published > 0 || now.planned > 0,
    };
  });
}

function series(
  channels: readonly ReportChannel[],
  points: (channel: ReportChannel) => Array<number | null>,
): DailySeries[] {
  return channels.map((channel) => ({ ...ref(channel), points: points(channel) }));
}

const hasPoint = (all: readonly DailySeries[]) => all.some((s) => s.points.some((p) => p !== null));

export function audienceSection(
  channels: readonly ReportChannel[],
  metrics: ChannelMetricsCalculator,
  windows: ReportWindows,
  current: ReadonlyMap<string, ChannelFacts>,
  previous: ReadonlyMap<string, ChannelFacts>,
): AudienceSection {
  const followers = series(channels, (c) => metrics.daily(c, windows.current).followers);
  const total = (facts: ReadonlyMap<string, ChannelFacts>, field: 'followersEnd' | 'growth') =>
    sumPresent([...facts.values()].map((f) => f[field]));
  return {
    days: windows.current.days,
    followers,
    total: compare(total(current, 'followersEnd'), total(previous, 'followersEnd')),
    growth: compare(total(current, 'growth'), total(previous, 'growth')),
    hasData: hasPoint(followers),
  };
}

export function reachSection(
  channels: readonly ReportChannel[],
  metrics: ChannelMetricsCalculator,
  windows: ReportWindows,
  current: ReadonlyMap<string, ChannelFacts>,
  previous: ReadonlyMap<string, ChannelFacts>,
  byNetwork: ChannelNetworkFigures[],
): ReachSection {
  const daily = new Map(channels.map((c) => [c.id, metrics.daily(c, windows.current)]));
  const impressions = series(channels, (c) => daily.get(c.id)!.impressions);
  const engagements = series(channels, (c) => daily.get(c.id)!.engagements);
  const total = (facts: ReadonlyMap<string, ChannelFacts>, field: 'impressions' | 'engagements' | 'clicks') =>
    sumPresent([...facts.values()].map((f) => f[field]));
  const rate = (facts: ReadonlyMap<string, ChannelFacts>) =>
    ratio(total(facts, 'engagements'), total(facts, 'impressions'));
  return {
    byNetwork,
    days: windows.current.days,
    impressions,
    engagements,
    totals: {
      impressions: compare(total(current, 'impressions'), total(previous, 'impressions')),
      engagements: compare(total(current, 'engagements'), total(previous, 'engagements')),
      engagementRate: compare(rate(current), rate(previous)),
      clicks: compare(total(current, 'clicks'), total(previous, 'clicks')),
    },
    hasData: hasPoint(impressions) || hasPoint(engagements) || byNetwork.length > 0,
  };
}
