import { createHash } from 'node:crypto';
import { graphemesOf, refusedByPlatform, utf8Length, z, type PublishRequest } from '../../src/plugin-sdk';
import type { YouTubeOptions } from './youtube-options.schema';

/** videos resource limits (https://developers.google.com/youtube/v3/docs/videos#properties). */
export const TITLE_LIMIT = 100;
export const DESCRIPTION_BYTES = 5_000;
export const TAGS_LIMIT = 500;

const PUBLISH_AT_ERROR =
  'extra.publishAt must be an ISO 8601 date-time with its offset, e.g. "2026-12-24T18:00:00+01:00"';

/** Per-post settings (`overrides.youtube.extra` in the content file). */
export const youtubeExtraSchema = z.looseObject({
  privacy: z
    .enum(['public', 'unlisted', 'private'], { error: 'extra.privacy must be public, unlisted or private' })
    .optional(),
  tags: z
    .array(z.string().min(1, { error: 'extra.tags must not hold empty tags' }), {
      error: 'extra.tags must be a list of strings',
    })
    .optional(),
  categoryId: z
    .union([z.string().regex(/^\d+$/), z.number().int().min(1)], {
      error: 'extra.categoryId must be a category id (digits)',
    })
    .optional(),
  madeForKids: z.boolean({ error: 'extra.madeForKids must be true or false' }).optional(),
  publishAt: z
    .union([z.iso.datetime({ offset: true, error: PUBLISH_AT_ERROR }), z.date()], { error: PUBLISH_AT_ERROR })
    .optional(),
  thumbnail: z
    .string()
    .min(1, { error: 'extra.thumbnail must be a file path in the content folder' })
    .optional(),
});
export type YouTubeExtra = z.output<typeof youtubeExtraSchema>;

export function extraOf(request: PublishRequest): YouTubeExtra {
  const parsed = youtubeExtraSchema.safeParse(request.extra ?? {});
  if (!parsed.success) {
    throw refusedByPlatform('extra', parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  return parsed.data;
}

/**
 * Titles and descriptions may not contain "<" or ">" (YouTube refuses them: invalidTitle / invalidDescription): they
 * are written as the full-width "＜" and "＞", which read the same.
 */
export function withoutAngles(text: string): string {
  return text.replace(/</g, '\uFF1C').replace(/>/g, '\uFF1E');
}

/** The marker tag that finds this key's video after its upload session expired: "mtr-" + 16 hex of SHA-256(key). */
export function markerTagOf(idempotencyKey: string): string {
  return `mtr-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}`;
}

/** How YouTube counts tags against 500 characters: a tag with a space counts its quotes, tags are comma-separated. */
export function tagsLength(tags: string[]): number {
  return (
    tags.reduce((sum, tag) => sum + tag.length + (tag.includes(' ') ? 2 : 0), 0) +
    Math.max(0, tags.length - 1)
  );
}

export function titleOf(request: PublishRequest): string {
  const source = (request.title ?? request.text.split('\n')[0] ?? '').trim();
  let title = '';
  let count = 0;
  for (const cluster of graphemesOf(withoutAngles(source))) {
    if (count++ >= TITLE_LIMIT) {
      break;
    }
    title += cluster;
  }
  if (!title.trim()) {
    throw refusedByPlatform(
      'title',
      'a YouTube video needs a title: set `title:` in the post (or overrides.<channel>.title)',
    );
  }
  return title.trim();
}

export interface VideoPlan {
  title: string;
  description: string;
  tags: string[];
  marker: string;
  privacyStatus: 'public' | 'unlisted' | 'private';
  publishAt?: string;
  categoryId: string;
  madeForKids: boolean;
}

/**
 * What the video resource will say. Scheduled publishing: `extra.publishAt` in the future (or a scheduledAt still in
 * the future when the core publishes early) uploads the video now as private with `status.publishAt`: YouTube makes
 * it public then. publishAt needs privacy private (or unset): with unlisted it is refused.
 */
export function planOf(request: PublishRequest, options: YouTubeOptions, now: Date): VideoPlan {
  const extra = extraOf(request);
  const description = withoutAngles(request.text);
  if (utf8Length(description) > DESCRIPTION_BYTES) {
    throw refusedByPlatform(
      'invalidDescription',
      `the description is ${utf8Length(description)} bytes once "<" and ">" are written as "＜" and "＞"; YouTube takes ${DESCRIPTION_BYTES}: shorten the text`,
    );
  }
  const marker = markerTagOf(request.idempotencyKey);
  const tags = [...(extra.tags ?? []).map((tag) => withoutAngles(tag.trim())), marker];
  if (tagsLength(tags) > TAGS_LIMIT) {
    throw refusedByPlatform(
      'invalidTags',
      `extra.tags count ${tagsLength(tags) - marker.length - 1} characters (a tag with spaces counts its quotes, a comma between tags); YouTube takes ${TAGS_LIMIT - marker.length - 1} here (Metronome keeps ${marker.length + 1} for its marker tag): drop some tags`,
    );
  }
  const publishAtSource = extra.publishAt ?? (request.scheduledAt > now ? request.scheduledAt : undefined);
  const publishAt = publishAtSource === undefined ? undefined : new Date(publishAtSource);
  const scheduled = publishAt !== undefined && publishAt.getTime() > now.getTime();
  const privacy = extra.privacy ?? (scheduled ? 'private' : options.privacy);
  if (scheduled && privacy !== 'private') {
    throw refusedByPlatform(
      'invalidPublishAt',
      `extra.publishAt schedules the video, which YouTube allows only for private videos: remove extra.privacy ("${privacy}") or the publishAt`,
    );
  }
  return {
    title: titleOf(request),
    description,
    tags,
    marker,
    privacyStatus: privacy,
    ...(scheduled ? { publishAt: publishAt.toISOString() } : {}),
    categoryId: String(extra.categoryId ?? options.categoryId),
    madeForKids: extra.madeForKids ?? options.madeForKids,
  };
}

/** The videos.insert body (parts snippet,status). */
export function videoResourceOf(plan: VideoPlan): Record<string, unknown> {
  return {
    snippet: {
      title: plan.title,
      description: plan.description,
      tags: plan.tags,
      categoryId: plan.categoryId,
    },
    status: {
      privacyStatus: plan.privacyStatus,
      ...(plan.publishAt ? { publishAt: plan.publishAt } : {}),
      selfDeclaredMadeForKids: plan.madeForKids,
    },
  };
}

/** The description as the post's text again (the full-width angles back to "<" and ">"), for people and tests. */
export function textOfDescription(description: string): string {
  return description.replace(/\uFF1C/g, '<').replace(/\uFF1E/g, '>');
}

export const watchUrlOf = (videoId: string) =>
  `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}`;
