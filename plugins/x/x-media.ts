import {
  openMediaFile,
  refusedByPlatform,
  transientFailure,
  z,
  type MediaAttachment,
  type PluginStateStore,
} from '../../src/plugin-sdk';
import type { XApi } from './x-api';

/** X's media limits (https://docs.x.com/x-api/media/quickstart/best-practices). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const MAX_GIF_BYTES = 15 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 512 * 1024 * 1024;
export const MAX_VIDEO_SECONDS = 140;
export const ALT_TEXT_LIMIT = 1_000;
export const MAX_IMAGES = 4;
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime'];
/** Bytes per APPEND (sent base64 in JSON; X takes chunks of up to 5 MB). */
export const CHUNK_BYTES = 4 * 1024 * 1024;

const MediaData = z.object({
  data: z.object({
    id: z.string().regex(/^[0-9]{1,19}$/),
    expires_after_secs: z.number().optional(),
    processing_info: z
      .object({
        state: z.string().optional(),
        check_after_secs: z.number().optional(),
        progress_percent: z.number().optional(),
        error: z.object({ message: z.string().optional(), name: z.string().optional() }).optional(),
      })
      .passthrough()
      .optional(),
  }),
});
type MediaData = z.infer<typeof MediaData>['data'];

/** One uploaded file, kept under the post's key so a retry does not upload it again. */
interface Uploaded {
  id: string;
  /** When X forgets the media id (epoch ms): after that it is uploaded again. */
  expiresAt: number;
  /** Processing finished (videos and GIFs) and the alt text is set. */
  ready: boolean;
}

export interface UploadSettings {
  /** How long this publish may wait for X to process videos and GIFs, in total. */
  processingWaitMs: number;
  timeoutMs: number;
  now(): Date;
  /** Waits (tests pass a function that does not). */
  sleep?(ms: number): Promise<void>;
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

const categoryOf = (item: MediaAttachment) =>
  item.mimeType === 'image/gif'
    ? 'tweet_gif'
    : item.mimeType.startsWith('video/')
      ? 'tweet_video'
      : 'tweet_image';

/** What the core's limits cannot say: a GIF (an image type to the SDK) goes alone, like a video. */
export function mediaProblem(media: MediaAttachment[]): string | undefined {
  const alone = media.find((item) => item.mimeType === 'image/gif' || item.mimeType.startsWith('video/'));
  if (alone && media.length > 1) {
    return `a post with a GIF or a video carries only that file (X takes up to 4 images, or 1 video or GIF); this one has ${media.length} files`;
  }
  return undefined;
}

function parse(body: unknown, what: string): MediaData {
  const parsed = MediaData.safeParse(body);
  if (!parsed.success) {
    throw new Error(
      `plugin x: X answered ${what} without data.id (a numeric media id): ${JSON.stringify(body).slice(0, 200)}`,
    );
  }
  return parsed.data.data;
}

/**
 * Uploads a post's media through the v2 media endpoints (https://docs.x.com/x-api/media/media-upload and
 * /quickstart/media-upload-chunked): an image in one `POST /2/media/upload` (base64, `tweet_image`); a GIF or a video
 * in chunks (`/2/media/upload/initialize`, `/{id}/append`, `/{id}/finalize`), then `GET /2/media/upload?command=STATUS`
 * until processed; alt text with `POST /2/media/metadata`. Ids are kept in state under the post's key until X
 * forgets them (`expires_after_secs`), so a retry uploads nothing twice.
 */
export async function uploadMedia(
  api: XApi,
  state: PluginStateStore,
  key: string,
  media: MediaAttachment[],
  settings: UploadSettings,
): Promise<string[]> {
  const problem = mediaProblem(media);
  if (problem) {
    throw refusedByPlatform('media', problem);
  }
  const budget = { leftMs: settings.processingWaitMs };
  const ids: string[] = [];
  for (const [index, item] of media.entries()) {
    const stateKey = `media:${key}:${index}`;
    let uploaded = await state.get<Uploaded>(stateKey);
    if (!uploaded || uploaded.expiresAt <= settings.now().getTime() + 60_000) {
      const data = await upload(api, item, index, settings);
      uploaded = {
        id: data.id,
        expiresAt: settings.now().getTime() + (data.expires_after_secs ?? 86_400) * 1000,
        ready: false,
      };
      await state.set(stateKey, uploaded);
      await waitForProcessing(api, data, index, settings, budget);
    } else if (!uploaded.ready) {
      const { body } = await api.json<unknown>({
        path: '/2/media/upload',
        query: { media_id: uploaded.id, command: 'STATUS' },
        what: `checking the processing of file ${index + 1}`,
      });
      await waitForProcessing(api, parse(body, 'STATUS'), index, settings, budget);
    }
    if (!uploaded.ready) {
      if (item.altText) {
        await api.call({
          method: 'POST',
          path: '/2/media/metadata',
          json: { id: uploaded.id, metadata: { alt_text: { text: item.altText } } },
          what: `setting the alt text of file ${index + 1}`,
        });
      }
      uploaded = { ...uploaded, ready: true };
      await state.set(stateKey, uploaded);
    }
    ids.push(uploaded.id);
  }
  return ids;
}

async function upload(
  api: XApi,
  item: MediaAttachment,
  index: number,
  settings: UploadSettings,
): Promise<MediaData> {
  const category = categoryOf(item);
  const limit =
    category === 'tweet_image' ? MAX_IMAGE_BYTES : category === 'tweet_gif' ? MAX_GIF_BYTES : MAX_VIDEO_BYTES;
  const file = await openMediaFile(item);
  try {
    if (file.size > limit) {
      throw refusedByPlatform(
        'media',
        `file ${index + 1} is ${file.size.toLocaleString('en-GB')} bytes; X takes ${category === 'tweet_image' ? 'images' : category === 'tweet_gif' ? 'GIFs' : 'videos'} up to ${limit.toLocaleString('en-GB')} bytes`,
      );
    }
    const timeoutMs = Math.max(settings.timeoutMs, 60_000);
    if (category === 'tweet_image') {
      const bytes = await file.readAt(0, file.size);
      const { body } = await api.json<unknown>({
        method: 'POST',
        path: '/2/media/upload',
        json: { media: Buffer.from(bytes).toString('base64'), media_category: category },
        timeoutMs,
        what: `uploading image ${index + 1}`,
      });
      return parse(body, 'the image upload');
    }
    const { body: started } = await api.json<unknown>({
      method: 'POST',
      path: '/2/media/upload/initialize',
      json: { media_type: item.mimeType, total_bytes: file.size, media_category: category },
      what: `starting the upload of file ${index + 1}`,
    });
    const id = parse(started, 'INIT').id;
    for (let segment = 0, position = 0; position < file.size; segment++, position += CHUNK_BYTES) {
      const chunk = await file.readAt(position, Math.min(CHUNK_BYTES, file.size - position));
      await api.call({
        method: 'POST',
        path: `/2/media/upload/${id}/append`,
        json: { media: Buffer.from(chunk).toString('base64'), segment_index: segment },
        timeoutMs,
        what: `uploading part ${segment + 1} of file ${index + 1}`,
      });
    }
    const { body: finished } = await api.json<unknown>({
      method: 'POST',
      path: `/2/media/upload/${id}/finalize`,
      what: `finishing the upload of file ${index + 1}`,
    });
    return parse(finished, 'FINALIZE');
  } finally {
    await file.close();
  }
}

/** Asks STATUS as X's `check_after_secs` says, within the publish's budget; left unfinished, the next attempt asks on. */
async function waitForProcessing(
  api: XApi,
  first: MediaData,
  index: number,
  settings: UploadSettings,
  budget: { leftMs: number },
): Promise<void> {
  let data = first;
  for (;;) {
    const info = data.processing_info;
    if (!info || info.state === 'succeeded' || info.state === undefined) {
      return;
    }
    if (info.state === 'failed') {
      throw refusedByPlatform(
        info.error?.name ?? 'media-processing',
        `X could not process file ${index + 1}: ${info.error?.message ?? 'processing failed'} (check the format: MP4 or MOV with H.264 and AAC, at most 140 seconds)`,
      );
    }
    const waitMs = Math.max(0, (info.check_after_secs ?? 1) * 1000);
    if (waitMs > budget.leftMs) {
      throw transientFailure(
        `X is still processing file ${index + 1} (${info.state}${info.progress_percent === undefined ? '' : `, ${info.progress_percent}%`}); the next attempt checks again`,
      );
    }
    budget.leftMs -= waitMs;
    await (settings.sleep ?? defaultSleep)(waitMs);
    const { body } = await api.json<unknown>({
      path: '/2/media/upload',
      query: { media_id: data.id, command: 'STATUS' },
      what: `checking the processing of file ${index + 1}`,
    });
    data = parse(body, 'STATUS');
  }
}
