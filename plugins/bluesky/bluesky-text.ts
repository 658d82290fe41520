import { countGraphemes, splitThread as splitBySdk, type TextLimits } from '../../src/plugin-sdk';

/**
 * Bluesky's limits on a post's text (the app.bsky.feed.post lexicon: maxGraphemes 300, maxLength 3,000 bytes). The
 * core checks them at import and this connector before sending, with the SDK's one way of counting.
 */
export const TEXT_LIMITS = { graphemes: 300, bytes: 3000 } as const satisfies TextLimits;

/** What people see as characters: Bluesky counts its limit in these. */
export function graphemeLength(text: string): number {
  return countGraphemes(text);
}

/**
 * Thread parts of at most `graphemes` (default 300) graphemes and 3,000 bytes each, split by the SDK exactly as the
 * import check split them: at sentence ends, else between words, else between graphemes.
 */
export function splitThread(text: string, graphemes: number = TEXT_LIMITS.graphemes): string[] {
  return splitBySdk(text, { ...TEXT_LIMITS, graphemes });
}
