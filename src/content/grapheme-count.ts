import { countGraphemes } from '../plugin-sdk/graphemes';

/** What people see as characters: an emoji with skin tone or a flag counts once, as platforms count it. */
export function graphemeCount(text: string, stopAfter?: number): number {
  return countGraphemes(text, stopAfter);
}
