import { extname } from 'node:path';
import type { ContentFile } from './content-file.reader';
import type { MediaReference } from './content-file.schema';

const MIME_BY_EXTENSION: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
};

export function mimeTypeOf(path: string): string | undefined {
  return MIME_BY_EXTENSION[extname(path).toLowerCase()];
}

export function isTimeBased(mimeType: string): boolean {
  return mimeType.startsWith('video/') || mimeType.startsWith('audio/');
}

/** The text and media one channel will receive. */
export interface ChannelContent {
  channel: string;
  text: string;
  media: MediaReference[];
  /** The title this channel publishes when its posts have one: `overrides.<channel>.title`, else the post's. */
  title: string;
  titlePath: ReadonlyArray<string | number>;
  /** Connector-specific settings for this channel (`overrides.<channel>.extra`). */
  extra: Record<string, unknown>;
  /** Where the text comes from, for positioned errors. */
  textPath: ReadonlyArray<string | number> | 'body';
  mediaPath: ReadonlyArray<string | number>;
}

export function channelContent(content: ContentFile, channel: string): ChannelContent {
  const override = content.frontMatter.overrides[channel];
  return {
    channel,
    text: override?.text ?? content.body,
    title: override?.title ?? content.frontMatter.title,
    titlePath: override?.title ? ['overrides', channel, 'title'] : ['title'],
    media: override?.media ?? content.frontMatter.media,
    extra: override?.extra ?? {},
    textPath: override?.text ? ['overrides', channel, 'text'] : 'body',
    mediaPath: override?.media ? ['overrides', channel, 'media'] : ['media'],
  };
}
