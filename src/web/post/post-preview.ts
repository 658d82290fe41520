import { graphemeCount } from '../../content/grapheme-count';
import {
  countedExtraText,
  describeExcess,
  hashtagsOf,
  linksOf,
  measureText,
  mentionsOf,
  splitThread,
  textLimitsOf,
  textRuleProblems,
  type ConnectorCapabilities,
  type TextLimits,
  type TextMeasure,
} from '../../plugin-sdk';
import { displayText } from '../rendering/view-helpers';

/**
 * HTML built here from escaped parts: Handlebars prints `toHTML()` as it is (no triple-stash in the view), so
 * only this module may make one, and only from text it escaped itself.
 */
export class PreviewHtml {
  constructor(private readonly html: string) {}

  toHTML(): string {
    return this.html;
  }

  toString(): string {
    return this.html;
  }
}

/** One piece of a post's text as the network shows it. */
export interface PreviewToken {
  kind: 'text' | 'link' | 'mention' | 'hashtag';
  text: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

/** Text as HTML text or attribute value: every character that could open markup or leave an attribute escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]);
}

/**
 * The text split into plain text, links, @mentions and #hashtags, found by the SDK's own rules (the ones the
 * import check counts): a mention or hashtag inside a link is part of the link. The pieces join back to the text.
 */
export function tokenize(text: string): PreviewToken[] {
  const found = [
    ...linksOf(text).map((t) => ({ ...t, kind: 'link' as const })),
    ...mentionsOf(text).map((t) => ({ ...t, kind: 'mention' as const })),
    ...hashtagsOf(text).map((t) => ({ ...t, kind: 'hashtag' as const })),
  ].sort((a, b) => a.start - b.start);
  const tokens: PreviewToken[] = [];
  let at = 0;
  for (const token of found) {
    if (token.start < at) {
      continue; // overlaps one taken already (a mention inside a link is left out by the SDK; be safe)
    }
    if (token.start > at) {
      tokens.push({ kind: 'text', text: text.slice(at, token.start) });
    }
    tokens.push({ kind: token.kind, text: text.slice(token.start, token.end) });
    at = token.end;
  }
  if (at < text.length) {
    tokens.push({ kind: 'text', text: text.slice(at) });
  }
  return tokens;
}

/**
 * The preview of a text as HTML: every piece escaped, bidi controls left out (a caption cannot reverse how the
 * page reads), links as <a> (http and https only, as the SDK finds them), mentions and hashtags as <span>.
 * Line breaks stay in the text (the preview keeps white space, see post.css).
 */
export function previewHtml(text: string): PreviewHtml {
  const html = tokenize(text)
    .map((token) => {
      const shown = escapeHtml(displayText(token.text));
      switch (token.kind) {
        case 'link':
          return `<a class="preview-link" href="${escapeHtml(token.text)}" rel="nofollow noopener noreferrer">${shown}</a>`;
        case 'mention':
          return `<span class="preview-mention">${shown}</span>`;
        case 'hashtag':
          return `<span class="preview-hashtag">${shown}</span>`;
        case 'text':
          return shown;
      }
    })
    .join('');
  return new PreviewHtml(html);
}

/** A text against the connector's declared limits, in words a person reads. */
export interface TextCounter {
  /** Characters as the connector counts them (graphemes; links weighted when the connector says so). */
  characters: number;
  /** Grapheme clusters, unweighted. */
  graphemes: number;
  bytes: number;
  graphemeLimit?: number;
  byteLimit?: number;
  /** "212 / 300 characters", or "212 characters" without a declared limit. */
  charactersLabel: string;
  /** "1,024 / 3,000 bytes (UTF-8)", or "1,024 bytes (UTF-8)". */
  bytesLabel: string;
  /** How the text is over the limits, in words; undefined when it fits. */
  excess?: string;
  over: boolean;
  /** Hashtags, mentions or links the platform refuses, in words. */
  problems: string[];
  /** Extras counted with the text (a content warning). */
  reservedCharacters: number;
}

function number(value: number): string {
  return value.toLocaleString('en-GB');
}

/** Counts a text as the connector does, with `reserved` (counted extras) added to the totals. */
export function countText(text: string, limits: TextLimits, reserved: TextMeasure = none): TextCounter {
  const measure = measureText(text, limits);
  const excess = describeExcess(measure, limits, reserved);
  const characters = measure.characters + reserved.characters;
  const bytes = measure.bytes + reserved.bytes;
  return {
    characters,
    graphemes: graphemeCount(text),
    bytes,
    graphemeLimit: limits.graphemes,
    byteLimit: limits.bytes,
    charactersLabel:
      limits.graphemes === undefined
        ? `${number(characters)} characters`
        : `${number(characters)} / ${number(limits.graphemes)} characters`,
    bytesLabel:
      limits.bytes === undefined
        ? `${number(bytes)} bytes (UTF-8)`
        : `${number(bytes)} / ${number(limits.bytes)} bytes (UTF-8)`,
    excess,
    over: excess !== undefined,
    problems: textRuleProblems(text, limits).map((problem) => problem.message),
    reservedCharacters: reserved.characters,
  };
}

const none: TextMeasure = { characters: 0, bytes: 0 };

/** One post of the preview: the whole text, or one part of a thread. */
export interface PreviewPart {
  /** 1 for the first part. */
  number: number;
  html: PreviewHtml;
  counter: TextCounter;
}

export interface ChannelPreview {
  parts: PreviewPart[];
  /** The text counted whole (for a thread, before the split). */
  counter: TextCounter;
  thread: boolean;
  /** Words about the thread: "3 parts", or over the platform's most parts. */
  threadNote?: string;
  threadOverParts: boolean;
  /** The connector declares no text limits (or is not loaded). */
  unlimited: boolean;
}

/**
 * What a channel shows of a variant's text: the text the connector is sent (`variant.text`), counted with the
 * SDK's counting, split into thread parts by the SDK's `splitThread` when the post asks for a thread and the
 * connector publishes threads (the same split and the same room per part as the import check).
 */
export function previewVariant(
  text: string,
  extra: Record<string, unknown>,
  capabilities: ConnectorCapabilities | undefined,
): ChannelPreview {
  const limits = capabilities ? textLimitsOf(capabilities) : {};
  const reserved = measureText(countedExtraText(extra, limits), limits);
  const counter = countText(text, limits, reserved);
  const unlimited = limits.graphemes === undefined && limits.bytes === undefined;
  if (extra.thread === true && capabilities?.thread) {
    const room: TextLimits = {
      ...limits,
      graphemes: limits.graphemes === undefined ? undefined : limits.graphemes - reserved.characters,
      bytes: limits.bytes === undefined ? undefined : limits.bytes - reserved.bytes,
    };
    const texts = splitThread(text, room);
    const maxParts = capabilities.thread.maxParts;
    const overParts = texts.length > maxParts;
    return {
      parts: texts.map((part, index) => ({
        number: index + 1,
        html: previewHtml(part),
        counter: countText(part, limits, reserved),
      })),
      counter,
      thread: true,
      threadNote: overParts
        ? `${texts.length} parts, over the most this network publishes (${maxParts}): shorten the text`
        : `${texts.length} ${texts.length === 1 ? 'part' : 'parts'} (at most ${maxParts})`,
      threadOverParts: overParts,
      unlimited,
    };
  }
  return {
    parts: [{ number: 1, html: previewHtml(text), counter }],
    counter,
    thread: false,
    threadOverParts: false,
    unlimited,
  };
}
