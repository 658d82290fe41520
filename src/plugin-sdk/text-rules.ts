import type { TextLimits } from './text-limits';

/** A hashtag, mention or link found in a text: where it is (code units) and what it says. */
export interface TextToken {
  start: number;
  end: number;
  text: string;
}

/** A text against a rule other than its length, with where the first offending token starts. */
export interface TextRuleProblem {
  message: string;
  /** Offset in the text (code units) of the token that breaks the rule. */
  at: number;
}

const LINK = /\bhttps?:\/\/[^\s<>"]+/giu;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}]+$/u;
/** `#word` with at least one letter (`#1` is not a tag), not inside a word, an anchor (`/#x`) or an entity (`&#38;`). */
const HASHTAG = /(^|[^\p{L}\p{N}_&/#])(#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;
/** `@name`, `@name.domain`, `@name@server.example`; the prefix keeps e-mail addresses out. */
const MENTION =
  /(^|[^\p{L}\p{N}_@/.])(@[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?(?:@[\p{L}\p{N}.-]+\.\p{L}{2,})?)/gu;

/** The http(s) links of a text, closing punctuation left out: the same links `weightedSpans` counts. */
export function linksOf(text: string): TextToken[] {
  return [...text.matchAll(LINK)].map((match) => {
    const trailing = TRAILING_PUNCTUATION.exec(match[0])?.[0].length ?? 0;
    const end = match.index + match[0].length - trailing;
    return { start: match.index, end, text: text.slice(match.index, end) };
  });
}

function tokensOutsideLinks(text: string, pattern: RegExp): TextToken[] {
  const links = linksOf(text);
  return [...text.matchAll(pattern)]
    .map((match) => {
      const start = match.index + match[1].length;
      return { start, end: start + match[2].length, text: match[2] };
    })
    .filter((token) => !links.some((link) => token.start < link.end && token.end > link.start));
}

/** The hashtags of a text, in order (a tag written twice counts twice, as platforms count them). */
export function hashtagsOf(text: string): TextToken[] {
  return tokensOutsideLinks(text, HASHTAG);
}

/** The mentions of a text, in order. */
export function mentionsOf(text: string): TextToken[] {
  return tokensOutsideLinks(text, MENTION);
}

/**
 * What in a text breaks the limits other than its length: too many hashtags or mentions, a link where the platform
 * makes none. One implementation for the import check and for connectors.
 */
export function textRuleProblems(text: string, limits: TextLimits): TextRuleProblem[] {
  const problems: TextRuleProblem[] = [];
  // Tokens are found only for a declared limit: most channels declare none.
  const counted = (find: (text: string) => TextToken[], limit: number | undefined, what: string) => {
    const tokens = limit === undefined ? [] : find(text);
    if (limit !== undefined && tokens.length > limit) {
      const first = tokens[limit];
      problems.push({
        at: first.start,
        message: `${tokens.length} ${what}, over the limit of ${limit} by ${tokens.length - limit} (the first one over is ${first.text}): remove ${tokens.length - limit}`,
      });
    }
  };
  counted(hashtagsOf, limits.maxHashtags, 'hashtags');
  counted(mentionsOf, limits.maxMentions, 'mentions');
  const links = limits.links === false ? linksOf(text) : [];
  if (links.length > 0) {
    problems.push({
      at: links[0].start,
      message: `the text has ${links.length === 1 ? 'a link' : `${links.length} links`} (${links[0].text}), but this platform makes no links of a post's text: remove ${links.length === 1 ? 'it' : 'them'}`,
    });
  }
  return problems;
}
