/*
 * Grapheme clusters (what people see as characters) in linear time.
 *
 * Why not simply iterate `Intl.Segmenter#segment(text)`: in V8 before 12.3 (Node 20) every step of the segments
 * iterator does work proportional to the length of the whole input, so walking a text is quadratic (100,000
 * characters took seconds, a megabyte minutes; V8 fixed it for Node 22). Here the segmenter only ever sees short
 * windows: runs of plain ASCII need no segmenter at all (a boundary always falls between two ASCII characters,
 * except inside CR LF), and a run of other text is segmented a window at a time, restarting at the start of the
 * window's last cluster (which may continue past the window). Whether a boundary falls before a code point depends
 * only on that code point and what comes before it, so every boundary but the window's last is final, and restarting
 * at it gives exactly the clusters of one pass over the whole text (a window never ends inside a surrogate pair).
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Code units the segmenter sees at once: the cost of one iterator step grows with it, so small is fast. */
const WINDOW = 128;
const CR = 0x0d;
const LF = 0x0a;

function isAscii(code: number): boolean {
  return code < 0x80;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where the run of text that needs the segmenter, starting at `from`, ends: before two ASCII characters in a row. */
function runEnd(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isAscii(code) && isAscii(text.charCodeAt(i - 1)) && !(code === LF && text.charCodeAt(i - 1) === CR)) {
      return i;
    }
  }
  return text.length;
}

/** The clusters of text[from, to), where `from` and `to` are cluster boundaries, a window at a time. */
function* segmentRun(text: string, from: number, to: number): Generator<string> {
  let start = from;
  let window = WINDOW;
  while (start < to) {
    let end = Math.min(to, start + window);
    if (end < to && isHighSurrogate(text.charCodeAt(end - 1))) {
      // Never cut a code point in two: the boundary before the last cluster depends on its first code point.
      end++;
    }
    const chunk = text.slice(start, end);
    if (end === to) {
      for (const { segment } of segmenter.segment(chunk)) {
        yield segment;
      }
      return;
    }
    let pending: string | undefined;
    let lastIndex = 0;
    for (const { segment, index } of segmenter.segment(chunk)) {
      if (pending !== undefined) {
        yield pending;
      }
      pending = segment;
      lastIndex = index;
    }
    if (lastIndex === 0) {
      // One cluster longer than the window (a letter under many combining marks): look further.
      window *= 2;
      continue;
    }
    start += lastIndex;
    window = WINDOW;
  }
}

/** The grapheme clusters of a text, in order, in time linear in its length. */
export function* graphemesOf(text: string): Generator<string> {
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : -1;
    if (isAscii(code) && (next === -1 || isAscii(next))) {
      const width = code === CR && next === LF ? 2 : 1;
      yield text.slice(i, i + width);
      i += width;
      continue;
    }
    const end = runEnd(text, i);
    yield* segmentRun(text, i, end);
    i = end;
  }
}

/**
 * How many grapheme clusters a text has: an emoji with a skin tone, a family or a flag counts once, as platforms
 * count their limits. With `stopAfter`, counting stops once the count passes it (the result is then
 * `stopAfter + 1`): enough to know a text is over a limit without walking all of it.
 */
export function countGraphemes(text: string, stopAfter = Number.POSITIVE_INFINITY): number {
  let count = 0;
  for (const _ of graphemesOf(text)) {
    count++;
    if (count > stopAfter) {
      break;
    }
  }
  return count;
}

/** Length in UTF-8 bytes, the unit of byte limits (Bluesky's 3,000). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
