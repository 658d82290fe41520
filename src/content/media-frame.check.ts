import {
  aspectRatioValue,
  describeAspectRatio,
  formatAspectRatio,
  type DimensionLimits,
  type FrameSize,
} from '../plugin-sdk';

/**
 * How a frame (an image, a video's picture) breaks the declared dimension limits, one sentence each with its fix,
 * e.g. "2,000 × 1,000 pixels, aspect ratio 2:1 (2), wider than the widest allowed, 1.91:1: crop it …".
 */
export function frameProblems(frame: FrameSize, limits: DimensionLimits | undefined): string[] {
  if (!limits) {
    return [];
  }
  const { width, height } = frame;
  const size = `${number(width)} × ${number(height)} pixels`;
  const problems: string[] = [];
  const bound = (value: number, min: number | undefined, max: number | undefined, what: string) => {
    if (min !== undefined && value < min) {
      problems.push(
        `${size}, ${number(value)} ${what}, under the minimum of ${number(min)}: use a larger original`,
      );
    }
    if (max !== undefined && value > max) {
      problems.push(`${size}, ${number(value)} ${what}, over the maximum of ${number(max)}: scale it down`);
    }
  };
  bound(width, limits.minWidth, limits.maxWidth, 'wide');
  bound(height, limits.minHeight, limits.maxHeight, 'high');
  if (limits.maxPixels !== undefined && width * height > limits.maxPixels) {
    problems.push(
      `${size} (${number(width * height)} pixels), over the limit of ${number(limits.maxPixels)} pixels: scale it down`,
    );
  }
  problems.push(...aspectProblems(frame, limits.aspectRatio).map((problem) => `${size}, ${problem}`));
  return problems;
}

function aspectProblems({ width, height }: FrameSize, bounds: DimensionLimits['aspectRatio']): string[] {
  const min = bounds?.min === undefined ? undefined : formatAspectRatio(bounds.min);
  const max = bounds?.max === undefined ? undefined : formatAspectRatio(bounds.max);
  const lowest = bounds?.min === undefined ? undefined : aspectRatioValue(bounds.min);
  const highest = bounds?.max === undefined ? undefined : aspectRatioValue(bounds.max);
  const range = min && max ? `between ${min} and ${max}` : min ? `${min} or wider` : `${max} or narrower`;
  const ratio = width / height;
  const described = `aspect ratio ${describeAspectRatio(width, height)}`;
  if (lowest !== undefined && ratio < lowest) {
    return [`${described}, narrower than the narrowest allowed, ${min}: crop it to ${range}`];
  }
  if (highest !== undefined && ratio > highest) {
    return [`${described}, wider than the widest allowed, ${max}: crop it to ${range}`];
  }
  return [];
}

/** Whether any dimension limit is declared: only then does a file without a readable header fail the check. */
export function hasDimensionLimits(limits: DimensionLimits | undefined): boolean {
  if (!limits) {
    return false;
  }
  const { aspectRatio, ...sizes } = limits;
  return (
    aspectRatio?.min !== undefined ||
    aspectRatio?.max !== undefined ||
    Object.values(sizes).some((value) => value !== undefined)
  );
}

function number(value: number): string {
  return value.toLocaleString('en-GB');
}
