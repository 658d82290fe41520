import type { MetricNames } from '../plugin-sdk';
import type { ChannelNetworkFigures, NetworkFigure } from './report-model';
import type { ReportChannel } from './report-facts';
import type { PeriodWindow } from './report-period';
import { compare, lastPresent, sumPresent } from './report-statistics';

/** The common names, for a figure whose network names none. */
const COMMON_NAMES: Readonly<Record<string, string>> = {
  followers: 'Followers',
  impressions: 'Impressions',
  clicks: 'Link clicks',
};

const LEADING = ['followers', 'impressions', 'clicks'];

function isFigure(metric: string): boolean {
  return (
    LEADING.includes(metric) || (metric.startsWith('engagements.') && metric.length > 'engagements.'.length)
  );
}

function nameOf(metric: string, names: MetricNames | undefined): string {
  if (metric.startsWith('engagements.')) {
    const kind = metric.slice('engagements.'.length);
    return names?.engagements?.[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1);
  }
  return names?.[metric as 'followers' | 'impressions' | 'clicks'] ?? COMMON_NAMES[metric];
}

/**
 * Each channel's stored figures (`followers`, `impressions`, `clicks`, `engagements.<kind>`) for a period, under the
 * network's own names from its connector's `capabilities.metricNames`: the report's "each network's figures" table.
 * Followers are read as of the period's last day with data; the others are summed over its days.
 */
export class NetworkFiguresCalculator {
  /** By channel database id, then day: the snapshot's metric map. */
  private readonly byChannel = new Map<string, Map<string, Readonly<Record<string, number>>>>();

  constructor(
    snapshots: ReadonlyArray<{ channelId: string; day: string; metrics: Readonly<Record<string, number>> }>,
    private readonly namesOf: (connector: string) => MetricNames | undefined = () => undefined,
  ) {
    for (const snapshot of snapshots) {
      let days = this.byChannel.get(snapshot.channelId);
      if (!days) {
        days = new Map();
        this.byChannel.set(snapshot.channelId, days);
      }
      days.set(snapshot.day, snapshot.metrics);
    }
  }

  section(
    channels: readonly ReportChannel[],
    current: PeriodWindow,
    previous: PeriodWindow,
  ): ChannelNetworkFigures[] {
    return channels
      .map((channel) => ({
        id: channel.id,
        connector: channel.connector,
        label: channel.label,
        figures: this.figures(channel, current, previous),
      }))
      .filter((row) => row.figures.some((figure) => figure.value.value !== null));
  }

  private figures(channel: ReportChannel, current: PeriodWindow, previous: PeriodWindow): NetworkFigure[] {
    const days = channel.dbId ? this.byChannel.get(channel.dbId) : undefined;
    if (!days) {
      return [];
    }
    const inWindow = (window: PeriodWindow) => window.days.map((day) => days.get(day));
    const now = inWindow(current);
    const before = inWindow(previous);
    const metrics = new Set<string>();
    for (const figures of now) {
      Object.keys(figures ?? {})
        .filter(isFigure)
        .forEach((metric) => metrics.add(metric));
    }
    const names = this.namesOf(channel.connector);
    const declared = Object.keys(names?.engagements ?? {}).map((kind) => `engagements.${kind}`);
    const order = (metric: string) => {
      const leading = LEADING.indexOf(metric);
      const position = declared.indexOf(metric);
      return leading >= 0 ? leading : position >= 0 ? LEADING.length + position : 1_000;
    };
    const value = (window: ReadonlyArray<Readonly<Record<string, number>> | undefined>, metric: string) => {
      const points = window.map((figures) => {
        const point = figures?.[metric];
        return typeof point === 'number' && Number.isFinite(point) ? point : null;
      });
      return metric === 'followers' ? lastPresent(points) : sumPresent(points);
    };
    return [...metrics]
      .sort((a, b) => order(a) - order(b) || a.localeCompare(b))
      .map((metric) => ({
        metric,
        name: nameOf(metric, names),
        value: compare(value(now, metric), value(before, metric)),
      }));
  }
}
