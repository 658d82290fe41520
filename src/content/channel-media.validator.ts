import { dirname, resolve } from 'node:path';
import type { ConfigIssue } from '../config/config-issue';
import { countGraphemes, mediaRefusal, openContainedFile, type MediaLimits } from '../plugin-sdk';
import { isTimeBased, mimeTypeOf, type ChannelContent } from './channel-content';
import type { ContentFile } from './content-file.reader';
import { mediaDurationSeconds } from './media-duration';

const MIB = 1024 * 1024;

/**
 * The media of one channel's post against the connector's declared limits: count, types, each file inside the
 * brand's content folder (symlinks resolved; one message whatever the reason, so nothing tells whether a path
 * outside exists), size, duration and alt text.
 */
export async function validateChannelMedia(
  content: ContentFile,
  variant: ChannelContent,
  media: MediaLimits | undefined,
  where: string,
): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  const listPlace = { ...content.locate(variant.mediaPath), path: [...variant.mediaPath] };
  if (variant.media.length > 0 && (!media || media.maxCount === 0)) {
    return [{ ...listPlace, message: `${where}: this connector cannot publish media` }];
  }
  if (!media) {
    return issues;
  }
  if (variant.media.length > media.maxCount) {
    const path = [...variant.mediaPath, media.maxCount];
    issues.push({
      ...content.locate(path),
      path,
      message: `${where}: ${variant.media.length} media files, at most ${media.maxCount} are allowed`,
    });
  }
  const types = variant.media.map((item) => mimeTypeOf(item.path));
  if (media.videoAlone && variant.media.length > 1 && types.some((type) => type && isTimeBased(type))) {
    issues.push({
      ...listPlace,
      message: `${where}: a video is the only attachment of its post here: give it a post of its own`,
    });
  }
  for (const [index, item] of variant.media.entries()) {
    const path = [...variant.mediaPath, index, 'path'];
    const place = { ...content.locate(path), path };
    const mime = types[index];
    if (!mime || !media.types.includes(mime)) {
      issues.push({
        ...place,
        message: `${where}: "${item.path}" is ${mime ?? 'of an unknown type'}; accepted: ${media.types.join(', ')}`,
      });
    }
    issues.push(...(await checkFile(content, item.path, mime, media, { place, where })));
    if (media.altTextLimit !== undefined && item.alt) {
      const length = countGraphemes(item.alt, media.altTextLimit);
      if (length > media.altTextLimit) {
        const altPath = [...variant.mediaPath, index, 'alt'];
        issues.push({
          ...content.locate(altPath),
          path: altPath,
          message: `${where}: the alt text of "${item.path}" is longer than ${media.altTextLimit} characters`,
        });
      }
    }
  }
  return issues;
}

async function checkFile(
  content: ContentFile,
  relativePath: string,
  mime: string | undefined,
  media: MediaLimits,
  { place, where }: { place: Omit<ConfigIssue, 'message'>; where: string },
): Promise<ConfigIssue[]> {
  const file = await openContainedFile(resolve(dirname(content.absolutePath), relativePath), content.root);
  if (!file) {
    return [{ ...place, message: mediaRefusal(relativePath) }];
  }
  try {
    const video = mime !== undefined && isTimeBased(mime);
    const limit = Math.min(
      media.maxBytes ?? Number.POSITIVE_INFINITY,
      (video ? media.maxVideoBytes : media.maxImageBytes) ?? Number.POSITIVE_INFINITY,
    );
    const issues: ConfigIssue[] = [];
    if (file.size > limit) {
      issues.push({
        ...place,
        message: `${where}: "${relativePath}" is ${size(file.size)}, over the limit of ${size(limit)}: resize or recompress it`,
      });
    }
    if (video && media.maxVideoSeconds !== undefined) {
      const seconds = await mediaDurationSeconds(file);
      if (seconds !== undefined && seconds > media.maxVideoSeconds) {
        issues.push({
          ...place,
          message: `${where}: "${relativePath}" runs ${seconds.toFixed(1)} s, over the limit of ${media.maxVideoSeconds} s: cut it`,
        });
      }
    }
    return issues;
  } finally {
    await file.close();
  }
}

function size(bytes: number): string {
  return bytes >= MIB
    ? `${(bytes / MIB).toFixed(1)} MiB (${bytes.toLocaleString('en-GB')} bytes)`
    : `${bytes.toLocaleString('en-GB')} bytes`;
}
