import { closest, distance } from 'fastest-levenshtein';

/** ` (did you mean "x"?)` when a candidate is close enough to be a plausible typo, else ''. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  if (candidates.length === 0) {
    return '';
  }
  const best = closest(input, [...candidates]);
  const threshold = Math.max(2, Math.floor(best.length / 3));
  return distance(input.toLowerCase(), best.toLowerCase()) <= threshold ? ` (did you mean "${best}"?)` : '';
}
