import type { ConfigIssue } from '../config/config-issue';
import { countGraphemes, type MediaLimits } from '../plugin-sdk';
import { isTimeBased, mimeTypeOf, type ChannelContent } from './channel-content';
import { mediaFileProblems } from './channel-media-file.validator';
import type { ContentFile } from './content-file.reader';

type Place = Omit<ConfigIssue, 'message'>;

/**
 * The media of one channel's post against the connector's declared limits: how many (in all, images, videos, at
 * least), which mix and types, each file inside the brand's content folder (symlinks resolved; one message whatever
 * the reason, so nothing tells whether a path outside exists), its size, pixel size, aspect ratio and duration
 * from its header, and alt text.
 */
export async function validateChannelMedia(
  content: ContentFile,
  variant: ChannelContent,
  media: MediaLimits | undefined,
  where: string,
): Promise<ConfigIssue[]> {
  const at = (path: ReadonlyArray<string | number>): Place => ({ ...content.locate(path), path: [...path] });
  const listPlace = at(variant.mediaPath);
  if (variant.media.length > 0 && (!media || media.maxCount === 0)) {
    return [{ ...listPlace, message: `${where}: this connector cannot publish media` }];
  }
  if (!media) {
    return [];
  }
  const types = variant.media.map((item) => mimeTypeOf(item.path));
  const issues = countIssues(variant, media, types, where, at);
  for (const [index, item] of variant.media.entries()) {
    const place = at([...variant.mediaPath, index, 'path']);
    const mime = types[index];
    if (!mime || !media.types.includes(mime)) {
      issues.push({
        ...place,
        message: `${where}: "${item.path}" is ${mime ?? 'of an unknown type'}; accepted: ${media.types.join(', ')}`,
      });
    }
    for (const message of await mediaFileProblems(content, { relativePath: item.path, mime }, media, where)) {
      issues.push({ ...place, message });
    }
    if (media.altTextRequired && !item.alt?.trim()) {
      issues.push({
        ...at([...variant.mediaPath, index]),
        message: `${where}: "${item.path}" has no alt text, and this channel requires it: add alt: with what a person who cannot see it should know`,
      });
    }
    if (media.altTextLimit !== undefined && item.alt) {
      const length = countGraphemes(item.alt, media.altTextLimit);
      if (length > media.altTextLimit) {
        issues.push({
          ...at([...variant.mediaPath, index, 'alt']),
          message: `${where}: the alt text of "${item.path}" is longer than ${media.altTextLimit} characters`,
        });
      }
    }
  }
  return issues;
}

/** How many files, of which kinds, together: at least, at most, mixed or alone. */
function countIssues(
  variant: ChannelContent,
  media: MediaLimits,
  types: Array<string | undefined>,
  where: string,
  at: (path: ReadonlyArray<string | number>) => Place,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const listPlace = at(variant.mediaPath);
  const count = variant.media.length;
  if (count > media.maxCount) {
    issues.push({
      ...at([...variant.mediaPath, media.maxCount]),
      message: `${where}: ${count} media files, at most ${media.maxCount} are allowed`,
    });
  }
  if (media.minCount !== undefined && count < media.minCount) {
    issues.push({
      ...listPlace,
      message: `${where}: ${count === 0 ? 'no media files' : `${count} media files`}, at least ${media.minCount} ${media.minCount === 1 ? 'is' : 'are'} needed here: add ${media.minCount === 1 ? 'one' : 'them'} under media: (or overrides.${variant.channel}.media:)`,
    });
  }
  const videos = types.flatMap((type, index) => (type && isTimeBased(type) ? [index] : []));
  const images = types.flatMap((type, index) => (type?.startsWith('image/') ? [index] : []));
  const perKind = (found: number[], limit: number | undefined, what: string) => {
    if (limit !== undefined && found.length > limit) {
      issues.push({
        ...at([...variant.mediaPath, found[limit]]),
        message: `${where}: ${found.length} ${what}, at most ${limit} ${limit === 1 ? 'is' : 'are'} allowed in one post`,
      });
    }
  };
  if (media.minVideos !== undefined && videos.length < media.minVideos) {
    issues.push({
      ...listPlace,
      message: `${where}: ${videos.length === 0 ? 'no video' : `${videos.length} videos`}, a post here needs at least ${media.minVideos === 1 ? 'one video' : `${media.minVideos} videos`}: add ${media.minVideos === 1 ? 'it' : 'them'} under media: (or overrides.${variant.channel}.media:)`,
    });
  }
  perKind(images, media.maxImages, 'images');
  perKind(videos, media.maxVideos, 'videos');
  if (media.mixedMedia === false && images.length > 0 && videos.length > 0) {
    issues.push({
      ...at([...variant.mediaPath, Math.max(images[0], videos[0])]),
      message: `${where}: a post here carries images or a video, not both: give the ${images[0] < videos[0] ? 'video' : 'images'} a post of ${images[0] < videos[0] ? 'its' : 'their'} own`,
    });
  }
  if (media.videoAlone && count > 1 && videos.length > 0) {
    issues.push({
      ...listPlace,
      message: `${where}: a video is the only attachment of its post here: give it a post of its own`,
    });
  }
  return issues;
}
