import { graphemesOf, utf8Length } from './graphemes';

/**
 * A platform's limits on a post's text, as a connector declares them (SDK 1.2). The core checks every post against
 * them when it imports the content file, with the same counting the connector uses when it publishes: one
 * implementation, here.
 */
export interface TextLimits {
  /** At most this many characters, counted in grapheme clusters (what people see as characters). */
  graphemes?: number;
  /** At most this many bytes of UTF-8 (Bluesky: 3,000). */
  bytes?: number;
  /** Every http(s) link counts as this many characters, whatever its real length (Mastodon: 23). */
  charactersPerUrl?: number;
  /** A mention of an account on another server, `@user@example.social`, counts as `@user` (Mastodon). */
  remoteMentionsCountAsUser?: boolean;
  /**
   * Per-post settings (`overrides.<channel>.extra`) whose text counts toward the same limit, e.g. Mastodon's
   * content warning `spoilerText`.
   */
  countedExtras?: string[];
  /** At most this many hashtags (`#word`) in the text (Instagram: 30). (SDK 2) */
  maxHashtags?: number;
  /** At most this many mentions (`@name`, `@name@server`) in the text (Instagram: 20). (SDK 2) */
  maxMentions?: number;
  /** false: the platform makes no links of the text (Instagram captions), so a link is refused at import. (SDK 2) */
  links?: boolean;
}

export interface TextMeasure {
  /** Graphemes, with links and remote mentions weighted as the limits say. */
  characters: number;
  bytes: number;
  /** Counting stopped early (`stopAfter`): the text counts as more than `characters`. */
  stopped?: boolean;
}

/** A link as Mastodon's and Bluesky's text extraction see it: http(s) only; closing punctuation is not part of it. */
const LINK = /\bhttps?:\/\/[^\s<>"]+/giu;
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}]+$/u;
/** `@user@example.social`: the prefix group keeps e-mail addresses and paths out. */
const REMOTE_MENTION =
  /(^|[^\p{L}\p{N}_@/])(@[\p{L}\p{N}_]+(?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;

/** A stretch of text that counts as a fixed number of characters (a link) and is never cut by thread splitting. */
export interface WeightedSpan {
  start: number;
  end: number;
  /** Characters it counts as, or undefined when it counts as what it is. */
  weight?: number;
}

/** The links (and, when the limits say so, remote mentions) of a text, in order, with what they count as. */
export function weightedSpans(text: string, limits: TextLimits): WeightedSpan[] {
  const spans: WeightedSpan[] = [];
  for (const match of text.matchAll(LINK)) {
    const trailing = TRAILING_PUNCTUATION.exec(match[0])?.[0].length ?? 0;
    spans.push({
      start: match.index,
      end: match.index + match[0].length - trailing,
      weight: limits.charactersPerUrl,
    });
  }
  if (limits.remoteMentionsCountAsUser) {
    for (const match of text.matchAll(REMOTE_MENTION)) {
      const start = match.index + match[1].length;
      const end = match.index + match[0].length;
      if (!spans.some((span) => start < span.end && end > span.start)) {
        spans.push({ start, end, weight: [...graphemesOf(match[2])].length });
      }
    }
    spans.sort((a, b) => a.start - b.start);
  }
  return spans;
}

/** Per grapheme cluster: where it starts and ends, what it counts as, its bytes. The unit thread splitting cuts at. */
export interface MeasuredCluster {
  start: number;
  end: number;
  characters: number;
  bytes: number;
}

/** The clusters of a text with what each counts as: a weighted span counts once, on its first cluster. */
export function* measuredClusters(text: string, limits: TextLimits): Generator<MeasuredCluster> {
  const spans = weightedSpans(text, limits).filter((span) => span.weight !== undefined);
  let spanIndex = 0;
  let index = 0;
  for (const cluster of graphemesOf(text)) {
    const start = index;
    index += cluster.length;
    while (spanIndex < spans.length && spans[spanIndex].end <= start) {
      spanIndex++;
    }
    const span = spans[spanIndex];
    let characters = 1;
    if (span && start >= span.start && start < span.end) {
      characters = start === span.start ? (span.weight as number) : 0;
    }
    yield { start, end: index, characters, bytes: utf8Length(cluster) };
  }
}

/**
 * What a text counts as against the limits. With `stopAfter`, counting characters stops once past it (`stopped`,
 * and the text counts as more than `characters`): enough to know a text is over a limit without walking all of it.
 */
export function measureText(
  text: string,
  limits: TextLimits,
  stopAfter = Number.POSITIVE_INFINITY,
): TextMeasure {
  let characters = 0;
  for (const cluster of measuredClusters(text, limits)) {
    characters += cluster.characters;
    if (characters > stopAfter) {
      return { characters: stopAfter, bytes: utf8Length(text), stopped: true };
    }
  }
  return { characters, bytes: utf8Length(text) };
}

/** The text of the `countedExtras` settings of a post, each to be measured with the text. */
export function countedExtraText(extra: Record<string, unknown>, limits: TextLimits): string {
  return (limits.countedExtras ?? [])
    .map((name) => extra[name])
    .filter((value): value is string => typeof value === 'string')
    .join('');
}

/** Whether a measured text is within the limits, with room for `reserved` characters (a content warning). */
export function fitsLimits(measure: TextMeasure, limits: TextLimits, reserved: TextMeasure = none): boolean {
  return (
    (limits.graphemes === undefined || measure.characters + reserved.characters <= limits.graphemes) &&
    (limits.bytes === undefined || measure.bytes + reserved.bytes <= limits.bytes)
  );
}

const none: TextMeasure = { characters: 0, bytes: 0 };

/**
 * Says how a text is over the limits, for people, or undefined when it fits: "3,261 bytes (UTF-8), over the limit
 * of 3,000 bytes". Counted characters say how links were counted.
 */
export function describeExcess(
  measure: TextMeasure,
  limits: TextLimits,
  reserved: TextMeasure = none,
): string | undefined {
  const problems: string[] = [];
  const characters = measure.characters + reserved.characters;
  if (limits.graphemes !== undefined && characters > limits.graphemes) {
    const how = [
      limits.charactersPerUrl !== undefined ? `each link counted as ${limits.charactersPerUrl}` : '',
      reserved.characters > 0 ? `${(limits.countedExtras ?? []).join(', ')} included` : '',
    ].filter(Boolean);
    problems.push(
      `${measure.stopped ? 'more than ' : ''}${number(characters)} characters${how.length > 0 ? ` (${how.join(', ')})` : ''}, over the limit of ${number(limits.graphemes)} characters${measure.stopped ? '' : ` by ${number(characters - limits.graphemes)}`}`,
    );
  }
  const bytes = measure.bytes + reserved.bytes;
  if (limits.bytes !== undefined && bytes > limits.bytes) {
    problems.push(
      `${number(bytes)} bytes (UTF-8), over the limit of ${number(limits.bytes)} bytes by ${number(bytes - limits.bytes)}`,
    );
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

function number(value: number): string {
  return value.toLocaleString('en-GB');
}
