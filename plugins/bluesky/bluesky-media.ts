import { PermanentError, readMediaFile, type MediaAttachment, type MediaLimits } from '../../src/plugin-sdk';
import { graphemeLength } from './bluesky-text';

/** app.bsky.embed.images: up to 4 images of at most 1,000,000 bytes each (the lexicon's `maxSize`). */
export const IMAGE_LIMITS = {
  maxCount: 4,
  types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  maxBytes: 1_000_000,
  maxImageBytes: 1_000_000,
  // The lexicon sets no limit on alt text; bsky.app stops at 2,000 characters, so longer text would be cut there.
  altTextLimit: 2000,
} as const satisfies MediaLimits;

/** A blob reference as uploadBlob returns it and a record embeds it. */
export interface BlobRef {
  $type: 'blob';
  ref: { $link: string };
  mimeType: string;
  size: number;
}

export interface LoadedImage {
  bytes: Uint8Array;
  mimeType: string;
  alt: string;
}

/** Reads and checks the images before anything is sent: a bad file fails the post with a message naming it. */
export async function loadImages(items: MediaAttachment[]): Promise<LoadedImage[]> {
  if (items.length > IMAGE_LIMITS.maxCount) {
    throw new PermanentError(
      `${items.length} media files, but a Bluesky post takes at most ${IMAGE_LIMITS.maxCount} images`,
    );
  }
  const images: LoadedImage[] = [];
  for (const item of items) {
    if (!(IMAGE_LIMITS.types as readonly string[]).includes(item.mimeType)) {
      throw new PermanentError(
        `media file "${item.path}" is ${item.mimeType}; a Bluesky post takes images only (${IMAGE_LIMITS.types.join(', ')})`,
      );
    }
    const alt = item.altText ?? '';
    if (graphemeLength(alt) > IMAGE_LIMITS.altTextLimit) {
      throw new PermanentError(
        `the alt text of "${item.path}" is ${graphemeLength(alt)} characters; Bluesky shows at most ${IMAGE_LIMITS.altTextLimit}`,
      );
    }
    // Opened only inside the content folder (symlinks resolved at the moment of reading), never read past the limit.
    const bytes = await readMediaFile(item, IMAGE_LIMITS.maxBytes);
    images.push({ bytes, mimeType: item.mimeType, alt });
  }
  return images;
}
