const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** What people see as characters: an emoji with skin tone or a flag counts once, as platforms count it. */
export function graphemeCount(text: string): number {
  let count = 0;
  for (const _segment of segmenter.segment(text)) {
    count++;
  }
  return count;
}
