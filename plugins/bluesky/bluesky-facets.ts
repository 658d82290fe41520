/**
 * Rich-text facets of a post (app.bsky.richtext.facet): byte ranges of the UTF-8 text marked as a link, a
 * mention or a hashtag. The patterns are those of @atproto/api's RichText.detectFacets (src/rich-text/util.ts);
 * that package is ESM-only with ESM-only dependencies, which Metronome's Jest setup (CommonJS on Node 20)
 * cannot load, so the detection lives here. Differences: links need their http(s):// scheme (bare domains such
 * as "example.com" stay text, since recognising them needs the list of top-level domains), and cashtags are
 * not linked.
 */

export type FacetFeature =
  | { $type: 'app.bsky.richtext.facet#link'; uri: string }
  | { $type: 'app.bsky.richtext.facet#mention'; did: string }
  | { $type: 'app.bsky.richtext.facet#tag'; tag: string };

export interface Facet {
  $type: 'app.bsky.richtext.facet';
  index: { byteStart: number; byteEnd: number };
  features: FacetFeature[];
}

/** A mention found in the text, before its handle is resolved to a DID. */
export interface DetectedMention {
  handle: string;
  byteStart: number;
  byteEnd: number;
}

const MENTION = /(^|\s|\()@([a-zA-Z0-9.-]+)(\b)/g;
/** A handle: a domain name of two or more labels (atproto.com/specs/handle). */
const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const LINK = /(^|\s|\()(https?:\/\/\S+)/gim;
/** A hashtag, as @atproto/api finds them (zero-width characters end a tag). */
const TAG =
  // eslint-disable-next-line no-misleading-character-class
  /(^|\s)[#＃]((?!\ufe0f)[^\s\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2]*[^\d\s\p{P}\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2]+[^\s\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2]*)?/gu;
const TRAILING_PUNCTUATION = /\p{P}+$/u;
const MAX_TAG_GRAPHEMES = 64;

function bytesBefore(text: string, utf16Index: number): number {
  return Buffer.byteLength(text.slice(0, utf16Index), 'utf8');
}

function range(text: string, start: number, end: number): { byteStart: number; byteEnd: number } {
  return { byteStart: bytesBefore(text, start), byteEnd: bytesBefore(text, end) };
}

/** `@handle` mentions whose handle is a well-formed domain name; the caller resolves them to DIDs. */
export function detectMentions(text: string): DetectedMention[] {
  return Array.from(text.matchAll(MENTION)).flatMap((match) => {
    const handle = match[2].replace(/\.+$/, '');
    if (!HANDLE.test(handle)) {
      return [];
    }
    const start = match.index + match[1].length;
    return [{ handle: handle.toLowerCase(), ...range(text, start, start + 1 + handle.length) }];
  });
}

/** Links (http and https) and hashtags, with mentions given their DIDs (unresolved mentions stay text). */
export function buildFacets(text: string, mentions: Array<DetectedMention & { did: string }>): Facet[] {
  const facets: Facet[] = mentions.map((mention) => ({
    $type: 'app.bsky.richtext.facet',
    index: { byteStart: mention.byteStart, byteEnd: mention.byteEnd },
    features: [{ $type: 'app.bsky.richtext.facet#mention', did: mention.did }],
  }));
  for (const match of text.matchAll(LINK)) {
    let uri = match[2];
    const start = match.index + match[1].length;
    if (/[.,;:!?]$/.test(uri)) {
      uri = uri.slice(0, -1);
    }
    if (uri.endsWith(')') && !uri.includes('(')) {
      uri = uri.slice(0, -1);
    }
    facets.push({
      $type: 'app.bsky.richtext.facet',
      index: range(text, start, start + uri.length),
      features: [{ $type: 'app.bsky.richtext.facet#link', uri }],
    });
  }
  for (const match of text.matchAll(TAG)) {
    const tag = (match[2] ?? '').trim().replace(TRAILING_PUNCTUATION, '');
    if (!tag || Array.from(new Intl.Segmenter().segment(tag)).length > MAX_TAG_GRAPHEMES) {
      continue;
    }
    const start = match.index + match[1].length;
    facets.push({
      $type: 'app.bsky.richtext.facet',
      index: range(text, start, start + 1 + tag.length),
      features: [{ $type: 'app.bsky.richtext.facet#tag', tag }],
    });
  }
  return facets.sort((a, b) => a.index.byteStart - b.index.byteStart);
}
