import { dirname, resolve } from 'node:path';
import {
  mediaRefusal,
  openContainedFile,
  readImageHeader,
  readMp4Header,
  type MediaLimits,
  type OpenMediaFile,
} from '../plugin-sdk';
import { isTimeBased } from './channel-content';
import type { ContentFile } from './content-file.reader';
import { frameProblems, hasDimensionLimits } from './media-frame.check';

const MIB = 1024 * 1024;

/** One media file of a post, as the content file names it, with its MIME type from its name. */
export interface MediaFileToCheck {
  relativePath: string;
  mime: string | undefined;
}

/**
 * One media file against the declared limits, one message per problem: inside the content folder (one message
 * whatever the reason, naming no channel), then for the channel (`where`) its size and what its header says
 * (image: format and pixel size; video: duration and frame). Only headers are read, never the whole file.
 */
export async function mediaFileProblems(
  content: ContentFile,
  { relativePath, mime }: MediaFileToCheck,
  media: MediaLimits,
  where: string,
): Promise<string[]> {
  const file = await openContainedFile(resolve(dirname(content.absolutePath), relativePath), content.root);
  if (!file) {
    return [mediaRefusal(relativePath)];
  }
  try {
    const video = mime !== undefined && isTimeBased(mime);
    const problems = sizeProblems(relativePath, file.size, video, media);
    if (mime?.startsWith('image/')) {
      problems.push(...(await imageProblems(file, relativePath, mime, media)));
    } else if (video) {
      problems.push(...(await videoProblems(file, relativePath, media)));
    }
    return problems.map((problem) => `${where}: ${problem}`);
  } finally {
    await file.close();
  }
}

function sizeProblems(relativePath: string, bytes: number, video: boolean, media: MediaLimits): string[] {
  const limit = Math.min(
    media.maxBytes ?? Number.POSITIVE_INFINITY,
    (video ? media.maxVideoBytes : media.maxImageBytes) ?? Number.POSITIVE_INFINITY,
  );
  return bytes > limit
    ? [`"${relativePath}" is ${size(bytes)}, over the limit of ${size(limit)}: resize or recompress it`]
    : [];
}

async function imageProblems(
  file: OpenMediaFile,
  relativePath: string,
  mime: string,
  media: MediaLimits,
): Promise<string[]> {
  const header = await readImageHeader(file);
  if (!header) {
    // Without declared dimensions the platform is the judge of a file we cannot read.
    return hasDimensionLimits(media.image)
      ? [
          `"${relativePath}" has no readable PNG, JPEG, GIF or WebP header, so its size cannot be checked against this channel's limits: export it again`,
        ]
      : [];
  }
  if (header.mimeType !== mime) {
    return [
      `"${relativePath}" holds a ${header.format.toUpperCase()} image, but its name says ${mime}: rename it to match (.${header.format === 'jpeg' ? 'jpg' : header.format})`,
    ];
  }
  return frameProblems(header, media.image).map((problem) => `"${relativePath}" is ${problem}`);
}

async function videoProblems(
  file: OpenMediaFile,
  relativePath: string,
  media: MediaLimits,
): Promise<string[]> {
  const { minVideoSeconds, maxVideoSeconds } = media;
  const needsDuration = minVideoSeconds !== undefined || maxVideoSeconds !== undefined;
  const needsFrame = hasDimensionLimits(media.video);
  if (!needsDuration && !needsFrame) {
    return [];
  }
  const header = await readMp4Header(file);
  const problems: string[] = [];
  const seconds = header?.seconds;
  if (needsDuration && seconds === undefined) {
    problems.push(
      `"${relativePath}" has no readable MP4/QuickTime movie header, so its duration cannot be checked against this channel's limits: export it again as MP4`,
    );
  }
  if (seconds !== undefined && maxVideoSeconds !== undefined && seconds > maxVideoSeconds) {
    problems.push(
      `"${relativePath}" runs ${seconds.toFixed(1)} s, over the limit of ${maxVideoSeconds} s: cut it`,
    );
  }
  if (seconds !== undefined && minVideoSeconds !== undefined && seconds < minVideoSeconds) {
    problems.push(
      `"${relativePath}" runs ${seconds.toFixed(1)} s, under the minimum of ${minVideoSeconds} s: use a longer clip`,
    );
  }
  if (needsFrame) {
    if (header?.width === undefined || header.height === undefined) {
      problems.push(
        `"${relativePath}" has no readable video track header, so its frame cannot be checked against this channel's limits: export it again as MP4`,
      );
    } else {
      const frame = { width: header.width, height: header.height };
      problems.push(...frameProblems(frame, media.video).map((problem) => `"${relativePath}" is ${problem}`));
    }
  }
  return problems;
}

function size(bytes: number): string {
  return bytes >= MIB
    ? `${(bytes / MIB).toFixed(1)} MiB (${bytes.toLocaleString('en-GB')} bytes)`
    : `${bytes.toLocaleString('en-GB')} bytes`;
}
