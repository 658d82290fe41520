import {
  readMediaFile,
  transientFailure,
  z,
  type MediaAttachment,
  type PluginContext,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import type { PinterestApi } from './pinterest-api';
import { failureOf } from './pinterest-errors';
import type { PinTarget, PinText } from './pinterest-pin-body';

/**
 * Video pins (https://developers.pinterest.com/docs/api-features/creating-boards-and-pins/#creating-video-pins):
 * `POST /v5/media` registers the upload and answers an upload URL (Amazon S3) with form fields; the file goes there as
 * a multipart/form-data POST (the fields, then `file`); `GET /v5/media/{id}` tells when Pinterest has processed it
 * (registered → processing → succeeded | failed); then Create Pin takes `media_source: { source_type: 'video_id' }`.
 */

/** Video files Pinterest takes: MP4 and MOV (M4V is MP4). */
export const VIDEO_TYPES = ['video/mp4', 'video/quicktime'] as const;
/** Pinterest takes videos of 4 seconds to 15 minutes (https://help.pinterest.com/en/business/article/pinterest-product-specs). */
export const MIN_VIDEO_SECONDS = 4;
export const MAX_VIDEO_SECONDS = 15 * 60;
/**
 * Pinterest takes up to 2 GB, but the SDK's HTTP client sends a body from memory: this connector reads at most
 * 512 MB (declared as the limit, so larger files are refused at import).
 */
export const MAX_VIDEO_BYTES = 512 * 1024 * 1024;
/** How long to wait before asking Pinterest again about a video being processed. */
export const VIDEO_CHECK_MS = 10_000;

export const isVideo = (item: MediaAttachment): boolean =>
  (VIDEO_TYPES as readonly string[]).includes(item.mimeType);

/**
 * What a video post needs across calls, stored under its key once the file is uploaded (before that, a retry
 * registers and uploads again: registrations and uploads are invisible).
 */
export interface VideoRecord {
  mediaId: string;
  target: PinTarget;
  text: PinText;
  /** The second of the video used as the cover (`extra.coverSeconds`, default 0). */
  coverSeconds: number;
}

export const videoKey = (key: string): string => `video:${key}`;

const registeredSchema = z.looseObject({
  media_id: z.string().regex(/^\d+$/),
  upload_url: z.string().url(),
  upload_parameters: z.record(z.string(), z.string()).optional(),
});

const mediaSchema = z.looseObject({
  media_id: z.string().optional(),
  status: z.enum(['registered', 'processing', 'succeeded', 'failed']).optional(),
});

export type MediaStatus = NonNullable<z.output<typeof mediaSchema>['status']>;

/** Registers the upload: Pinterest's media id, its upload URL and the form fields to send with the file. */
export async function registerVideo(api: PinterestApi) {
  return api.json(
    { method: 'POST', path: '/media', json: { media_type: 'video' }, what: 'registering the video upload' },
    registeredSchema,
  );
}

/** Where Pinterest stands with the video. */
export async function videoStatus(api: PinterestApi, mediaId: string): Promise<MediaStatus | undefined> {
  const media = await api.json({ path: `/media/${mediaId}`, what: 'asking about the video' }, mediaSchema);
  return media.status;
}

/** A multipart/form-data body: the fields in order, then the file as `file` (S3 wants the file last). */
export function multipartOf(
  fields: Record<string, string>,
  file: Uint8Array,
  contentType: string,
  boundary: string,
): Uint8Array {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="video"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    Buffer.from(file),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Sends the file to the upload URL Pinterest gave (signed by its form fields; no Pinterest token goes there). An
 * upload again under the same media id replaces the file: a failed or lost upload is simply sent again.
 */
export async function uploadVideo(
  context: PluginContext,
  registered: { uploadUrl: string; fields: Record<string, string> },
  item: MediaAttachment,
  sandbox: boolean,
): Promise<void> {
  const bytes = await readMediaFile(item, MAX_VIDEO_BYTES);
  const boundary = `metronome-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  let response: PluginHttpResponse;
  try {
    response = await context.http.request(registered.uploadUrl, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: multipartOf(registered.fields, bytes, item.mimeType, boundary),
      timeoutMs: 300_000,
    });
  } catch (error) {
    throw transientFailure(
      `the video upload to Pinterest's storage did not finish: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (response.status < 200 || response.status > 299) {
    throw await failureOf(response, {
      creates: false,
      what: 'uploading the video',
      now: context.clock.now(),
      sandbox,
    });
  }
}
