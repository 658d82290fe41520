/** Bluesky's limits on a post's text (app.bsky.feed.post lexicon: maxGraphemes 300, maxLength 3000 bytes). */
export const TEXT_LIMIT_GRAPHEMES = 300;
export const TEXT_LIMIT_BYTES = 3000;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const words = new Intl.Segmenter(undefined, { granularity: 'word' });
const sentences = new Intl.Segmenter(undefined, { granularity: 'sentence' });

/** What people see as characters: Bluesky counts its limit in these. */
export function graphemeLength(text: string): number {
  let count = 0;
  for (const _ of graphemes.segment(text)) {
    count++;
  }
  return count;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function fits(text: string, limit: number): boolean {
  return graphemeLength(text) <= limit && byteLength(text) <= TEXT_LIMIT_BYTES;
}

function segmentsOf(segmenter: Intl.Segmenter, text: string): string[] {
  return Array.from(segmenter.segment(text), (segment) => segment.segment);
}

/** Pieces no longer than the limit: whole sentences, else whole words, else (a very long word) graphemes. */
function pieces(text: string, limit: number): string[] {
  return segmentsOf(sentences, text).flatMap((sentence) => {
    if (fits(sentence, limit)) {
      return [sentence];
    }
    return segmentsOf(words, sentence).flatMap((word) => {
      if (fits(word, limit)) {
        return [word];
      }
      const chunks: string[] = [];
      let chunk = '';
      for (const grapheme of segmentsOf(graphemes, word)) {
        if (!fits(chunk + grapheme, limit)) {
          chunks.push(chunk);
          chunk = '';
        }
        chunk += grapheme;
      }
      return [...chunks, chunk];
    });
  });
}

/**
 * Splits text into thread parts of at most `limit` graphemes (and 3,000 bytes) each: at sentence ends where a
 * sentence fits, else between words, and inside a word only when the word alone is longer than a part. Each
 * part is trimmed; text that fits is one part.
 */
export function splitThread(text: string, limit = TEXT_LIMIT_GRAPHEMES): string[] {
  const parts: string[] = [];
  let current = '';
  for (const piece of pieces(text.trim(), limit)) {
    const joined = current + piece;
    if (fits(joined.trim(), limit)) {
      current = joined;
      continue;
    }
    if (current.trim()) {
      parts.push(current.trim());
    }
    current = piece.trimStart();
  }
  if (current.trim()) {
    parts.push(current.trim());
  }
  return parts;
}
