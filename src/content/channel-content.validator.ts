import { existsSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { ConfigIssue } from '../config/config-issue';
import type { ConnectorCapabilities } from '../plugin-sdk';
import { ContentFile } from './content-file.reader';
import type { MediaReference } from './content-file.schema';
import { graphemeCount } from './grapheme-count';

const MIME_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
};

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"')\]]+/g;

export function mimeTypeOf(path: string): string | undefined {
  return MIME_BY_EXTENSION[extname(path).toLowerCase()];
}

/** The text and media one channel will receive. */
export interface ChannelContent {
  channel: string;
  text: string;
  media: MediaReference[];
  /** Where the text comes from, for positioned errors. */
  textPath: ReadonlyArray<string | number> | 'body';
  mediaPath: ReadonlyArray<string | number>;
}

export function channelContent(content: ContentFile, channel: string): ChannelContent {
  const override = content.frontMatter.overrides[channel];
  return {
    channel,
    text: override?.text ?? content.body,
    media: override?.media ?? content.frontMatter.media,
    textPath: override?.text ? ['overrides', channel, 'text'] : 'body',
    mediaPath: override?.media ? ['overrides', channel, 'media'] : ['media'],
  };
}

/**
 * Checks a post against what its channel's connector accepts, at import time: length in graphemes,
 * media count, types, files and alt text, and links that parse. A person fixes the file before the
 * post is due instead of learning at publish time.
 */
export function validateChannelContent(
  content: ContentFile,
  variant: ChannelContent,
  connector: string,
  capabilities: ConnectorCapabilities,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const textPlace =
    variant.textPath === 'body'
      ? { file: content.file, line: content.bodyLine, col: 1, path: ['body'] }
      : { ...content.locate(variant.textPath), path: [...variant.textPath] };
  const where = `channel "${variant.channel}" (${connector})`;
  if (variant.text.trim() === '' && variant.media.length === 0) {
    issues.push({ ...textPlace, message: `${where}: the post has no text and no media` });
  }
  const length = graphemeCount(variant.text);
  if (capabilities.textLimit !== undefined && length > capabilities.textLimit) {
    issues.push({
      ...textPlace,
      message: `${where}: text is ${length} characters, the limit is ${capabilities.textLimit}: shorten it by ${length - capabilities.textLimit} or add overrides.${variant.channel}.text`,
    });
  }
  for (const link of variant.text.match(URL_IN_TEXT) ?? []) {
    if (!URL.canParse(link)) {
      issues.push({ ...textPlace, message: `${where}: "${link}" is not a valid link` });
    }
  }
  const media = capabilities.media;
  if (variant.media.length > 0 && (!media || media.maxCount === 0)) {
    issues.push({
      ...content.locate(variant.mediaPath),
      path: [...variant.mediaPath],
      message: `${where}: this connector cannot publish media`,
    });
    return issues;
  }
  if (media && variant.media.length > media.maxCount) {
    issues.push({
      ...content.locate([...variant.mediaPath, media.maxCount]),
      path: [...variant.mediaPath, media.maxCount],
      message: `${where}: ${variant.media.length} media files, at most ${media.maxCount} are allowed`,
    });
  }
  variant.media.forEach((item, index) => {
    const path = [...variant.mediaPath, index];
    const place = { ...content.locate([...path, 'path']), path: [...path, 'path'] };
    const mime = mimeTypeOf(item.path);
    if (!existsSync(resolve(dirname(content.absolutePath), item.path))) {
      issues.push({
        ...place,
        message: `media file "${item.path}" does not exist (paths are relative to the post file)`,
      });
    }
    if (media && (!mime || !media.types.includes(mime))) {
      issues.push({
        ...place,
        message: `${where}: "${item.path}" is ${mime ?? 'an unknown type'}; accepted: ${media.types.join(', ')}`,
      });
    }
    if (media?.altTextLimit !== undefined && item.alt && graphemeCount(item.alt) > media.altTextLimit) {
      issues.push({
        ...place,
        message: `${where}: alt text is longer than ${media.altTextLimit} characters`,
      });
    }
  });
  return issues;
}
