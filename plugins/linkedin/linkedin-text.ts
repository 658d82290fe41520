/**
 * LinkedIn's "little" text format for a post's `commentary` and a comment's text
 * (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/little-text-format).
 * The characters `\ | { } @ [ ] ( ) < > # * _ ~` are reserved: unescaped, LinkedIn may publish the text cut at the
 * first of them (answering 201 all the same). So every reserved character is escaped with a backslash, except in
 * what the author meant as little elements: a mention written `@[Name](urn:li:organization:123)` or
 * `@[Name](urn:li:person:abc)`, a hashtag `#word`, and a link (escaping would break its address).
 */
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;

const KEPT = new RegExp(
  [
    /@\[[^\]\\]+\]\(urn:li:(?:person|organization):[A-Za-z0-9_-]+\)/.source, // a mention
    /https?:\/\/[^\s<>]+/.source, // a link
    /(?<![\p{L}\p{N}_])#[\p{L}\p{N}_]+/u.source, // a hashtag
  ].join('|'),
  'gu',
);

export function escapeLittleText(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(KEPT)) {
    if (match.index < last) {
      continue;
    }
    const kept = trimLink(match[0]);
    out += text.slice(last, match.index).replace(RESERVED, (char) => `\\${char}`);
    out += kept;
    last = match.index + kept.length;
  }
  return out + text.slice(last).replace(RESERVED, (char) => `\\${char}`);
}

/** A link's trailing punctuation and unbalanced closing parenthesis belong to the sentence, not to the link. */
function trimLink(element: string): string {
  if (!/^https?:/.test(element)) {
    return element;
  }
  let link = element.replace(/[.,!?;:]+$/, '');
  while (link.endsWith(')') && link.split('(').length < link.split(')').length) {
    link = link.slice(0, -1).replace(/[.,!?;:]+$/, '');
  }
  return link;
}

/** The text as people read it again: mentions become their names, escapes are dropped (for the inbox). */
export function readLittleText(text: string): string {
  return text
    .replace(/@\[([^\]\\]+)\]\(urn:li:[a-z]+:[A-Za-z0-9_-]+\)/g, '@$1')
    .replace(/\\([\\|{}@[\]()<>#*_~])/g, '$1');
}
