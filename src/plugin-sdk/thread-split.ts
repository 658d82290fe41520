import {
  fitsLimits,
  measuredClusters,
  weightedSpans,
  type MeasuredCluster,
  type TextLimits,
} from './text-limits';

/** A connector that publishes text longer than one post as a thread when the post asks (`extra.thread: true`). */
export interface ThreadSupport {
  /** The most parts one thread may have. */
  maxParts: number;
}

const sentences = new Intl.Segmenter(undefined, { granularity: 'sentence' });
/** Code units the sentence segmenter sees at once (V8 before 12.3 walks a long text in quadratic time). */
const SENTENCE_WINDOW = 1024;
const WHITESPACE = /^\s+$/u;

/**
 * Where sentences end (after their closing punctuation, before the spaces that follow), a window at a time, each
 * window restarting at the start of the previous window's last sentence. Near a window's edge this may differ from
 * segmenting the whole text at once; it is the same for the same text, which is what import and publish need.
 */
function sentenceEnds(text: string): Set<number> {
  const ends = new Set<number>();
  let start = 0;
  let window = SENTENCE_WINDOW;
  while (start < text.length) {
    let end = Math.min(text.length, start + window);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) {
      end++;
    }
    const found = Array.from(sentences.segment(text.slice(start, end)));
    const complete = end === text.length ? found : found.slice(0, -1);
    if (complete.length === 0) {
      window *= 2;
      continue;
    }
    for (const { segment, index } of complete) {
      ends.add(start + index + segment.trimEnd().length);
    }
    start += end === text.length ? text.length : found[found.length - 1].index;
    window = SENTENCE_WINDOW;
  }
  return ends;
}

/**
 * Splits a text into thread parts that each fit the limits, counted exactly as `measureText` counts them: at a
 * sentence end where one falls in the part, else between words, else (a word longer than a part) between grapheme
 * clusters; a link is cut only when it alone is longer than a part. Parts are trimmed; text that fits is one
 * part. One implementation for the import check and for every connector, so what was checked is what is sent.
 */
export function splitThread(text: string, limits: TextLimits): string[] {
  const trimmed = text.trim();
  const clusters: MeasuredCluster[] = [...measuredClusters(trimmed, limits)];
  const ends = sentenceEnds(trimmed);
  const spans = weightedSpans(trimmed, limits);
  // Clusters that start inside a link (not at its start): cutting there would break the link.
  const insideSpan = new Set<number>();
  let spanIndex = 0;
  for (const cluster of clusters) {
    while (spanIndex < spans.length && spans[spanIndex].end <= cluster.start) {
      spanIndex++;
    }
    const span = spans[spanIndex];
    if (span && cluster.start > span.start && cluster.start < span.end) {
      insideSpan.add(cluster.start);
    }
  }
  const isSpace = (index: number) =>
    WHITESPACE.test(trimmed.slice(clusters[index].start, clusters[index].end));
  const parts: string[] = [];
  let first = 0;
  while (first < clusters.length) {
    let characters = 0;
    let bytes = 0;
    let next = first;
    while (
      next < clusters.length &&
      fitsLimits(
        { characters: characters + clusters[next].characters, bytes: bytes + clusters[next].bytes },
        limits,
      )
    ) {
      characters += clusters[next].characters;
      bytes += clusters[next].bytes;
      next++;
    }
    let cut = next;
    if (next < clusters.length) {
      cut =
        lastIndex(first, next, (i) => ends.has(clusters[i].start)) ??
        lastIndex(first, next, (i) => isSpace(i) && !isSpace(i - 1)) ??
        lastIndex(first, next, (i) => !insideSpan.has(clusters[i].start)) ??
        Math.max(next, first + 1);
    }
    const part = trimmed.slice(
      clusters[first].start,
      cut < clusters.length ? clusters[cut].start : trimmed.length,
    );
    if (part.trim()) {
      parts.push(part.trim());
    }
    first = cut;
    while (first < clusters.length && isSpace(first)) {
      first++;
    }
  }
  return parts;
}

/** The largest index i with first < i <= last that passes the test. */
function lastIndex(first: number, last: number, test: (index: number) => boolean): number | undefined {
  for (let i = last; i > first; i--) {
    if (test(i)) {
      return i;
    }
  }
  return undefined;
}
