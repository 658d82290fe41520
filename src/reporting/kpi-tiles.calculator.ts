import type { BrandConfig } from '../config/schema/metronome-config.schema';
import { HEADLINE_MEASURES, MEASURES } from './kpi-measures';
import type { PeriodFacts, ReportChannel } from './report-facts';
import type { KpiStatus, KpiTile } from './report-model';
import { compare } from './report-statistics';

type KpiConfig = BrandConfig['kpis'][string];

function status(tile: Omit<KpiTile, 'status'>): KpiStatus {
  if (tile.value === null) {
    return 'no-data';
  }
  if (tile.targetMet !== null) {
    return tile.targetMet ? 'good' : 'bad';
  }
  if (tile.delta === null || tile.delta === 0) {
    return 'neutral';
  }
  return tile.delta > 0 === (tile.direction === 'up') ? 'good' : 'bad';
}

function tile(
  id: string,
  kpi: KpiConfig,
  configured: boolean,
  channels: readonly ReportChannel[],
  current: PeriodFacts,
  previous: PeriodFacts,
): KpiTile {
  const measure = MEASURES[kpi.measure] as (typeof MEASURES)[string] | undefined;
  const covered = kpi.channels ?? channels.map((c) => c.id);
  const subset = kpi.channels
    ? ` (${channels
        .filter((c) => covered.includes(c.id))
        .map((c) => c.label)
        .join(', ')})`
    : '';
  const value = measure ? measure.compute(current, covered) : null;
  const direction = configured ? kpi.direction : (measure?.direction ?? kpi.direction);
  const target = kpi.target ?? null;
  const partial = {
    id,
    label: measure ? `${measure.label}${subset}` : kpi.measure,
    measure: kpi.measure,
    unit: measure?.unit ?? 'count',
    ...compare(value, measure ? measure.compute(previous, covered) : null),
    target,
    direction,
    targetMet:
      target === null || value === null ? null : direction === 'up' ? value >= target : value <= target,
    configured,
    channels: covered,
    note: measure ? null : `unknown measure "${kpi.measure}": use one of ${Object.keys(MEASURES).join(', ')}`,
  };
  return { ...partial, status: status(partial) };
}

/**
 * The executive summary tiles: every KPI the brand configured, then headline measures the configured ones
 * do not already cover (brand-wide), up to six tiles in all.
 */
export function kpiTiles(
  kpis: BrandConfig['kpis'],
  channels: readonly ReportChannel[],
  current: PeriodFacts,
  previous: PeriodFacts,
): KpiTile[] {
  const tiles = Object.entries(kpis).map(([id, kpi]) => tile(id, kpi, true, channels, current, previous));
  const covered = new Set(tiles.filter((t) => t.channels.length === channels.length).map((t) => t.measure));
  for (const measure of HEADLINE_MEASURES) {
    if (tiles.length >= HEADLINE_MEASURES.length) {
      break;
    }
    if (!covered.has(measure)) {
      const kpi: KpiConfig = { measure, direction: MEASURES[measure].direction };
      tiles.push(tile(measure, kpi, false, channels, current, previous));
    }
  }
  return tiles;
}
