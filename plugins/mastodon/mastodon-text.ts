import { createHash } from 'node:crypto';
import { countGraphemes, measureText, type TextLimits } from '../../src/plugin-sdk';

/** What people see as characters: 👩‍👩‍👧‍👦 counts once (Mastodon counts grapheme clusters too). */
export function graphemeCount(text: string): number {
  return countGraphemes(text);
}

/** How Mastodon counts a status against `max_characters`, as the core's import check counts it too. */
export function mastodonTextLimits(maxCharacters: number, charactersPerUrl: number): TextLimits {
  return {
    graphemes: maxCharacters,
    charactersPerUrl,
    remoteMentionsCountAsUser: true,
    countedExtras: ['spoilerText'],
  };
}

/**
 * The length Mastodon checks against `max_characters`: graphemes of the content warning plus the text, where
 * every link counts as `charactersPerUrl` whatever its real length and a remote mention counts as `@user`.
 * An approximation of Mastodon's own extractor (the SDK's, shared with the import check); where the two disagree
 * the server's 422 still decides.
 */
export function mastodonLength(text: string, spoilerText: string, charactersPerUrl: number): number {
  const limits = mastodonTextLimits(Number.POSITIVE_INFINITY, charactersPerUrl);
  return measureText(spoilerText, limits).characters + measureText(text, limits).characters;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/giu, (entity, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/**
 * Plain text from the HTML Mastodon serves (`status.content`, `account.note`): paragraphs become blank lines,
 * `<br>` a line break, every other tag goes and entities are decoded. Links keep their full text (Mastodon
 * hides parts of long links with CSS classes, not by removing them).
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/\r?\n/g, ' ')
    .replace(/<br\s*\/?>/giu, '\n')
    .replace(/<\/p>\s*<p(\s[^>]*)?>/giu, '\n\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text).trim();
}

/** The `href`s of the links in an HTML fragment (profile fields), decoded; mentions and hashtags left out. */
export function linksIn(html: string): string[] {
  const links: string[] = [];
  for (const match of html.matchAll(/<a\s[^>]*>/giu)) {
    const tag = match[0];
    const href = /\shref="([^"]*)"/iu.exec(tag)?.[1];
    if (href && !/\sclass="[^"]*\b(mention|hashtag)\b/iu.test(tag)) {
      links.push(decodeEntities(href));
    }
  }
  return links;
}

/** `@user@example.social`: Mastodon renders a remote mention by its username only. */
const REMOTE_MENTION =
  /(^|[^\p{L}\p{N}_@/])@([\p{L}\p{N}_]+(?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;

function normalise(text: string): string {
  return text.normalize('NFC').replace(REMOTE_MENTION, '$1@$2').replace(/\s+/gu, ' ').trim();
}

/**
 * A hash of what a status says, comparable between the text Metronome sent and the HTML Mastodon serves back:
 * Unicode-normalised, remote mentions reduced to `@user` (that is how they render) and all whitespace folded.
 */
export function statusFingerprint(text: string, spoilerText: string): string {
  return createHash('sha256')
    .update(normalise(spoilerText))
    .update('\u0000')
    .update(normalise(text))
    .digest('hex');
}

/**
 * When to try again after a 429: Mastodon's `X-RateLimit-Reset` (an ISO 8601 timestamp; a few compatible servers
 * send Unix seconds), else `Retry-After` (seconds or an HTTP date). undefined when neither can be read.
 */
export function retryAtFromHeaders(headers: Record<string, string>, now: Date): Date | undefined {
  const reset = headers['x-ratelimit-reset']?.trim();
  if (reset) {
    if (/^\d{9,}$/.test(reset)) {
      return new Date(Number(reset) * 1000);
    }
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) {
      return new Date(at);
    }
  }
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) {
      return new Date(now.getTime() + Number(retryAfter) * 1000);
    }
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) {
      return new Date(at);
    }
  }
  return undefined;
}
