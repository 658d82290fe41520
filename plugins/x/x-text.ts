import { graphemesOf, splitThread, weightedSpans, type TextLimits } from '../../src/plugin-sdk';

/** X's limit on a post's weighted length (https://docs.x.com/resources/fundamentals/counting-characters). */
export const WEIGHTED_LIMIT = 280;
/** Every URL counts as this many characters, whatever its length (t.co wrapping). */
export const URL_WEIGHT = 23;
/** At most this many posts in one thread: X's per-user create limit is 200 per 15 minutes and 300 per 3 hours. */
export const MAX_THREAD_PARTS = 25;

/** What the core can check at import: graphemes with links counted as 23. X's weights (CJK, emoji as 2) come on top. */
export const X_TEXT_LIMITS: TextLimits = { graphemes: WEIGHTED_LIMIT, charactersPerUrl: URL_WEIGHT };

/**
 * Code points that count as one character (twitter-text configuration v3: weight 100 of scale 100): Latin, Greek,
 * Cyrillic, Hebrew, Arabic, Indic scripts… (U+0000–U+10FF) and some punctuation (general punctuation ranges).
 * Everything else (CJK, Hangul, Japanese kana, most symbols) counts as two.
 */
const LIGHT_RANGES: Array<[number, number]> = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
];
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

function codePointWeight(codePoint: number): number {
  return LIGHT_RANGES.some(([low, high]) => codePoint >= low && codePoint <= high) ? 1 : 2;
}

/**
 * A text's length as X counts it (twitter-text v3): the text NFC-normalised, each URL 23, each emoji (a whole emoji
 * sequence, skin tones and ZWJ joins included) 2, each other code point 1 or 2 by its range. Bare domains without
 * http(s):// (which X also links and counts as 23) are counted as written: see the README.
 */
export function weightedLength(text: string): number {
  const normalized = text.normalize('NFC');
  const spans = weightedSpans(normalized, { charactersPerUrl: URL_WEIGHT });
  let length = 0;
  let index = 0;
  let spanIndex = 0;
  for (const cluster of graphemesOf(normalized)) {
    const start = index;
    index += cluster.length;
    while (spanIndex < spans.length && spans[spanIndex].end <= start) {
      spanIndex++;
    }
    const span = spans[spanIndex];
    if (span && start >= span.start && start < span.end) {
      length += start === span.start ? URL_WEIGHT : 0;
    } else if (EMOJI.test(cluster)) {
      length += 2;
    } else {
      for (const char of cluster) {
        length += codePointWeight(char.codePointAt(0) as number);
      }
    }
  }
  return length;
}

/**
 * The parts of a thread, each within X's weighted 280: the SDK's split (the one the import check counted), and when a
 * part weighs more (CJK, emoji), the split again with fewer characters per part, until every part fits. The same
 * text always gives the same parts.
 */
export function threadParts(text: string): string[] {
  for (let graphemes = WEIGHTED_LIMIT; graphemes >= 20; graphemes -= 10) {
    const parts = splitThread(text, { ...X_TEXT_LIMITS, graphemes });
    if (parts.every((part) => weightedLength(part) <= WEIGHTED_LIMIT)) {
      return parts;
    }
  }
  throw new Error('plugin x: the text cannot be cut into parts of 280 weighted characters');
}

/** X's text as a GET answers it: `&`, `<` and `>` HTML-escaped, links replaced by t.co links, media as a t.co link. */
export function unescapeXText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * The marker `lookup` matches a lost post by: the text without its links (X answers them as t.co links and adds one
 * for attached media), HTML entities decoded, whitespace collapsed. Compared together with the author, the post it
 * replies to and the time window of the attempt.
 */
export function textMarker(text: string): string {
  return unescapeXText(text)
    .normalize('NFC')
    .replace(/https?:\/\/[^\s]+/giu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}
