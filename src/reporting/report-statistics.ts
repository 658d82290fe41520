import type { Comparison, DurationStats } from './report-model';

/** Linear-interpolated percentile (the "R-7" method spreadsheets use); null for no values. */
export function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * fraction;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** The usual slow tail: 90% of durations are at or under p90. */
export function durationStats(values: readonly number[]): DurationStats {
  return { count: values.length, median: median(values), p90: percentile(values, 0.9) };
}

/** For lead times the slow tail is the short end: 90% of values are at or above p90. */
export function leadTimeStats(values: readonly number[]): DurationStats {
  return { count: values.length, median: median(values), p90: percentile(values, 0.1) };
}

/** numerator ÷ denominator, or null when there is nothing to divide by (never NaN or Infinity). */
export function ratio(numerator: number | null, denominator: number | null): number | null {
  if (numerator === null || denominator === null || denominator === 0) {
    return null;
  }
  return numerator / denominator;
}

export function compare(value: number | null, previous: number | null): Comparison {
  const delta = value !== null && previous !== null ? value - previous : null;
  return {
    value,
    previous,
    delta,
    deltaRatio: delta !== null && previous !== null && previous !== 0 ? delta / Math.abs(previous) : null,
  };
}

/** Sum of the values that exist; null when none does, so "no data" stays distinct from zero. */
export function sumPresent(values: ReadonlyArray<number | null | undefined>): number | null {
  let total: number | null = null;
  for (const value of values) {
    if (typeof value === 'number' && Number.isFinite(value)) {
      total = (total ?? 0) + value;
    }
  }
  return total;
}

/** The last value that exists, e.g. followers on the last day with a snapshot. */
export function lastPresent(values: ReadonlyArray<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== null) {
      return value;
    }
  }
  return null;
}

export function firstPresent(values: ReadonlyArray<number | null>): number | null {
  return values.find((value): value is number => value !== null) ?? null;
}
