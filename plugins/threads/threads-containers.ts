import {
  mediaLinksOf,
  refusedByPlatform,
  type MediaAttachment,
  type PluginContext,
  type PublishRequest,
} from '../../src/plugin-sdk';
import { idOf, type Params, type ThreadsApi } from './threads-api';

/** Media links must outlive Threads' processing queue and the core's status checks (containers expire in 24 h). */
const MEDIA_URL_LIFETIME_MS = 24 * 3_600_000;
export const CAROUSEL_MIN = 2;
export const CAROUSEL_MAX = 20;

/** Threads' topic tag rules: 1–50 characters, no periods or ampersands (Threads Posts › Topic tags). */
export function topicTagOf(extra: Record<string, unknown>): string | undefined {
  const tag = extra.topicTag;
  if (tag === undefined) {
    return undefined;
  }
  if (typeof tag !== 'string' || !/^[^.&]{1,50}$/u.test(tag.replace(/^#/, ''))) {
    throw refusedByPlatform(
      'topic_tag',
      'extra.topicTag must be 1 to 50 characters without "." or "&" (one topic tag per post)',
    );
  }
  return tag.replace(/^#/, '');
}

function mediaTypeOf(attachment: MediaAttachment): 'IMAGE' | 'VIDEO' {
  return attachment.mimeType.startsWith('video/') ? 'VIDEO' : 'IMAGE';
}

/**
 * The parameters of the container that carries the post (Threads Posts: TEXT, IMAGE, VIDEO, or a CAROUSEL of
 * 2–20 item containers created first). Media go by a signed URL the host serves: Threads fetches them itself.
 */
export async function createPostContainer(
  api: ThreadsApi,
  context: PluginContext,
  userId: string,
  request: PublishRequest,
  replyToId?: string,
): Promise<string> {
  const common: Params = {
    text: request.text || undefined,
    topic_tag: topicTagOf(request.extra),
    reply_to_id: replyToId,
  };
  const create = async (params: Params, what: string) =>
    idOf(
      await api.call<unknown>({ method: 'POST', path: `/${userId}/threads`, params, what, creates: true }),
      what,
    );
  const media = request.media;
  if (media.length === 0) {
    return create({ media_type: 'TEXT', ...common }, "creating the post's container");
  }
  const urlOf = (attachment: MediaAttachment) =>
    mediaLinksOf(context).publicUrl(attachment, { expiresInMs: MEDIA_URL_LIFETIME_MS });
  const mediaParams = (attachment: MediaAttachment): Params =>
    mediaTypeOf(attachment) === 'IMAGE'
      ? { media_type: 'IMAGE', image_url: urlOf(attachment), alt_text: attachment.altText }
      : { media_type: 'VIDEO', video_url: urlOf(attachment), alt_text: attachment.altText };
  if (media.length === 1) {
    return create({ ...mediaParams(media[0]), ...common }, "creating the post's container");
  }
  if (media.length < CAROUSEL_MIN || media.length > CAROUSEL_MAX) {
    throw refusedByPlatform(
      'carousel',
      `a Threads carousel has ${CAROUSEL_MIN} to ${CAROUSEL_MAX} items, not ${media.length}`,
    );
  }
  const children: string[] = [];
  for (const [index, attachment] of media.entries()) {
    children.push(
      await create(
        { ...mediaParams(attachment), is_carousel_item: true },
        `creating carousel item ${index + 1}`,
      ),
    );
  }
  return create(
    { media_type: 'CAROUSEL', children: children.join(','), ...common },
    "creating the carousel's container",
  );
}
