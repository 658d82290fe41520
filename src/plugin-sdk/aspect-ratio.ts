import type { AspectRatio } from './connector';

const RATIO = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * Width ÷ height of a declared ratio: `"4:5"` → 0.8, `"1.91:1"` → 1.91, `0.5625` → 0.5625; undefined when it is not
 * a positive, finite ratio (the host refuses such a declaration when the plugin loads).
 */
export function aspectRatioValue(ratio: AspectRatio): number | undefined {
  if (typeof ratio === 'number') {
    return Number.isFinite(ratio) && ratio > 0 ? ratio : undefined;
  }
  if (typeof ratio !== 'string') {
    return undefined;
  }
  const match = RATIO.exec(ratio);
  if (!match) {
    return undefined;
  }
  const value = Number(match[1]) / Number(match[2]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** A frame's ratio for people: 1080 × 1350 → "4:5 (0.8)", 1000 × 333 → "1000:333 (3.003)". */
export function describeAspectRatio(width: number, height: number): string {
  const divisor = gcd(width, height);
  const value = Number((width / height).toFixed(3));
  return `${width / divisor}:${height / divisor} (${value})`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A declared ratio as people read it: the string as written, a number to three decimals (1/3 → "0.333"). */
export function formatAspectRatio(ratio: AspectRatio): string {
  return typeof ratio === 'number' ? String(Number(ratio.toFixed(3))) : ratio;
}
