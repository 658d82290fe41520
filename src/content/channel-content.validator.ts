import { ConfigIssue } from '../config/config-issue';
import type { ConnectorCapabilities } from '../plugin-sdk';
import type { ChannelContent } from './channel-content';
import { validateChannelMedia } from './channel-media.validator';
import { validateChannelText } from './channel-text.validator';
import { validateChannelTitle } from './channel-title.validator';
import { ContentFile } from './content-file.reader';

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"')\]]+/g;

/**
 * Checks a post against what its channel's connector declares it accepts, at import time: title, text (graphemes,
 * bytes, hashtags, mentions, links, thread parts), media (counts, types, files, sizes, pixels, aspect ratio,
 * duration, alt text) and links that parse. A person
 * fixes the file before the post is due instead of learning at publish time.
 */
export async function validateChannelContent(
  content: ContentFile,
  variant: ChannelContent,
  connector: string,
  capabilities: ConnectorCapabilities,
): Promise<ConfigIssue[]> {
  const where = `channel "${variant.channel}" (${connector})`;
  const issues: ConfigIssue[] = [];
  if (variant.text.trim() === '' && variant.media.length === 0) {
    issues.push({
      ...(variant.textPath === 'body'
        ? { file: content.file, line: content.bodyLine, col: 1, path: ['body'] }
        : { ...content.locate(variant.textPath), path: [...variant.textPath] }),
      message: `${where}: the post has no text and no media`,
    });
  }
  issues.push(...validateChannelTitle(content, variant, capabilities.title, where));
  issues.push(...validateChannelText(content, variant, capabilities, where));
  for (const link of variant.text.match(URL_IN_TEXT) ?? []) {
    if (!URL.canParse(link)) {
      issues.push({
        ...(variant.textPath === 'body'
          ? { file: content.file, line: content.bodyLine, col: 1, path: ['body'] }
          : { ...content.locate(variant.textPath), path: [...variant.textPath] }),
        message: `${where}: "${link}" is not a valid link`,
      });
    }
  }
  issues.push(...(await validateChannelMedia(content, variant, capabilities.media, where)));
  return issues;
}
