import type { ConfigIssue } from '../config/config-issue';
import {
  countedExtraText,
  describeExcess,
  measureText,
  splitThread,
  textLimitsOf,
  textRuleProblems,
  type ConnectorCapabilities,
  type TextLimits,
  type TextMeasure,
} from '../plugin-sdk';
import type { ChannelContent } from './channel-content';
import type { ContentFile } from './content-file.reader';

type Place = Omit<ConfigIssue, 'message'>;

/** Counting a text that cannot be a post stops here: the message then says "more than". */
const EXACT_UP_TO_LIMITS = 10;

/**
 * The text of one channel's post against the connector's declared limits, counted by the SDK exactly as the
 * connector counts at publish time; for a thread (`extra.thread: true`) each part of the same split the
 * connector will publish.
 */
export function validateChannelText(
  content: ContentFile,
  variant: ChannelContent,
  capabilities: ConnectorCapabilities,
  where: string,
): ConfigIssue[] {
  const limits = textLimitsOf(capabilities);
  const place = textPlace(content, variant);
  const threadPlace: Place = {
    ...content.locate(['overrides', variant.channel, 'extra', 'thread']),
    path: ['overrides', variant.channel, 'extra', 'thread'],
  };
  const thread = variant.extra.thread;
  if (thread !== undefined && typeof thread !== 'boolean') {
    return [{ ...threadPlace, message: `${where}: extra.thread is true or false` }];
  }
  if (thread === true && !capabilities.thread) {
    return [
      { ...threadPlace, message: `${where}: this connector cannot publish threads; remove extra.thread` },
    ];
  }
  const reserved = measureText(countedExtraText(variant.extra, limits), limits);
  if (thread === true && capabilities.thread) {
    return validateThread(variant, limits, capabilities.thread.maxParts, reserved, { place, where });
  }
  const rules = textRuleProblems(variant.text, limits).map((problem) => ({
    ...placeAt(content, variant, problem.at),
    message: `${where}: ${problem.message}, or add overrides.${variant.channel}.text`,
  }));
  const stopAfter = (limits.graphemes ?? Number.POSITIVE_INFINITY) * EXACT_UP_TO_LIMITS;
  const excess = describeExcess(measureText(variant.text, limits, stopAfter), limits, reserved);
  if (!excess) {
    return rules;
  }
  const fixes = [`shorten it`, `add overrides.${variant.channel}.text`];
  if (capabilities.thread) {
    fixes.push(`set overrides.${variant.channel}.extra.thread: true to publish it as a thread`);
  }
  return [{ ...place, message: `${where}: the text is ${excess}: ${fixes.join(', or ')}` }, ...rules];
}

function validateThread(
  variant: ChannelContent,
  limits: TextLimits,
  maxParts: number,
  reserved: TextMeasure,
  { place, where }: { place: Place; where: string },
): ConfigIssue[] {
  // Every part carries the counted extras (a content warning), so each part has that much less room.
  const room: TextLimits = {
    ...limits,
    graphemes: limits.graphemes === undefined ? undefined : limits.graphemes - reserved.characters,
    bytes: limits.bytes === undefined ? undefined : limits.bytes - reserved.bytes,
  };
  const parts = splitThread(variant.text, room);
  if (parts.length > maxParts) {
    return [
      {
        ...place,
        message: `${where}: as a thread the text makes ${parts.length} parts, at most ${maxParts} are published: shorten it`,
      },
    ];
  }
  const issues: ConfigIssue[] = [];
  parts.forEach((part, index) => {
    const excess = describeExcess(measureText(part, limits), limits, reserved);
    const label = `thread part ${index + 1} of ${parts.length} ("${part.slice(0, 30)}…")`;
    if (excess) {
      issues.push({
        ...place,
        message: `${where}: ${label} is ${excess}, and cannot be split further: shorten the word or link`,
      });
    }
    // Hashtags, mentions and links count per post: each part is one.
    for (const problem of textRuleProblems(part, limits)) {
      issues.push({ ...place, message: `${where}: ${label}: ${problem.message}` });
    }
  });
  return issues;
}

function textPlace(content: ContentFile, variant: ChannelContent): Place {
  return variant.textPath === 'body'
    ? { file: content.file, line: content.bodyLine, col: 1, path: ['body'] }
    : { ...content.locate(variant.textPath), path: [...variant.textPath] };
}

/**
 * Where a character of the text is in the file: its own line and column in the body (columns in code points, as
 * editors show them); in a front-matter text, where that text starts.
 */
function placeAt(content: ContentFile, variant: ChannelContent, offset: number): Place {
  if (variant.textPath !== 'body') {
    return textPlace(content, variant);
  }
  const before = variant.text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return {
    file: content.file,
    line: content.bodyLine + before.split('\n').length - 1,
    col: [...before.slice(lineStart)].length + 1,
    path: ['body'],
  };
}
