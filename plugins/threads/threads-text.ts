import { graphemesOf, utf8Length } from '../../src/plugin-sdk';

/** Threads refuses a post's text over this length (https://developers.facebook.com/docs/threads/posts, Limitations). */
export const THREADS_TEXT_LIMIT = 500;

const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/**
 * A text's length as Threads counts it: one per character (grapheme cluster), except that an emoji counts as its
 * UTF-8 bytes ("Emojis are counted as the number of UTF-8 bytes", Threads Posts › Limitations). So "👍" is 4 and
 * "👍🏽" is 8: a 500-grapheme text full of emoji is refused, which the core's grapheme check alone would miss.
 */
export function threadsTextLength(text: string): number {
  let length = 0;
  for (const cluster of graphemesOf(text)) {
    length += EMOJI.test(cluster) ? utf8Length(cluster) : 1;
  }
  return length;
}

/** Why the text cannot be published on Threads, or undefined when it can. */
export function threadsTextProblem(text: string): string | undefined {
  const length = threadsTextLength(text);
  return length > THREADS_TEXT_LIMIT
    ? `the text counts ${length} of Threads' ${THREADS_TEXT_LIMIT} characters (each emoji counts as its UTF-8 bytes): shorten it by ${length - THREADS_TEXT_LIMIT}`
    : undefined;
}
