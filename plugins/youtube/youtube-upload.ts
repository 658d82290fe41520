import {
  openMediaFile,
  refusedByPlatform,
  z,
  type MediaAttachment,
  type PluginHttpResponse,
  type PluginStateStore,
} from '../../src/plugin-sdk';
import type { YouTubeApi } from './youtube-api';
import { unanswered } from './youtube-errors';
import type { YouTubeOptions } from './youtube-options.schema';
import { videoResourceOf, type VideoPlan } from './youtube-video';

/**
 * What is remembered of one key's upload, stored BEFORE any byte is sent: the resumable session (its URI is the
 * upload's identity: Google makes at most one video of it) and the file's size, so a retry or another worker
 * resumes it instead of starting a second upload.
 */
export interface UploadRecord {
  /** Absent while the session is being opened (an opening whose answer was lost made nothing: no bytes went). */
  sessionUri?: string;
  size: number;
  marker: string;
  title: string;
  startedAt: string;
}

export const uploadKey = (key: string) => `upload:${key}`;

/** The video resource, as far as the connector reads it. */
export const videoAnswer = z.object({ id: z.string().min(1) }).loose();

export type SessionState =
  { kind: 'complete'; videoId: string } | { kind: 'partial'; offset: number } | { kind: 'expired' };

/** `Range: bytes=0-N` of a 308: N + 1 bytes arrived; no Range: none did. */
export function offsetOf(response: PluginHttpResponse): number {
  const match = /^bytes=0-(\d+)$/.exec((response.headers.range ?? '').trim());
  return match ? Number(match[1]) + 1 : 0;
}

async function completedVideo(api: YouTubeApi, response: PluginHttpResponse, what: string): Promise<string> {
  const body = await api.parse<unknown>(response, 'PUT', '/upload/youtube/v3/videos', true, what);
  const parsed = videoAnswer.safeParse(body);
  if (!parsed.success) {
    throw new Error(
      `plugin youtube: the finished upload answered without the video's id: ${JSON.stringify(body).slice(0, 200)}`,
    );
  }
  return parsed.data.id;
}

/**
 * One key's resumable upload (https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
 * open a session (its URI stored before the first byte), PUT the file in chunks of `chunkBytes` with Content-Range,
 * a 308 tells how much arrived; an interrupted upload asks the session (`Content-Range: bytes *∕size`) and continues
 * from there. Never starts a second session while the first is alive.
 */
export class ResumableUpload {
  constructor(
    private readonly api: YouTubeApi,
    private readonly state: PluginStateStore,
    private readonly options: YouTubeOptions,
    private readonly now: () => Date,
  ) {}

  record(key: string): Promise<UploadRecord | undefined> {
    return this.state.get<UploadRecord>(uploadKey(key));
  }

  forget(key: string): Promise<void> {
    return this.state.delete(uploadKey(key));
  }

  /** Where the session stands (PUT with `Content-Range: bytes *∕size`, no body). */
  async query(record: UploadRecord & { sessionUri: string }): Promise<SessionState> {
    const what = 'asking how much of the upload arrived';
    let response: PluginHttpResponse;
    try {
      response = await this.api.session(
        record.sessionUri,
        { 'content-range': `bytes */${record.size}`, 'content-length': '0' },
        undefined,
        this.options.timeoutMs,
      );
    } catch (error) {
      throw unanswered(error, false, what);
    }
    if (response.status === 200 || response.status === 201) {
      return { kind: 'complete', videoId: await completedVideo(this.api, response, what) };
    }
    if (response.status === 308) {
      return { kind: 'partial', offset: offsetOf(response) };
    }
    if (response.status === 404 || response.status === 410) {
      return { kind: 'expired' };
    }
    throw await this.api.failure(response, false, what);
  }

  /** Opens the session: the record (size, marker) first, then videos.insert; the URI is stored before any byte. */
  async open(
    key: string,
    plan: VideoPlan,
    video: MediaAttachment,
    size: number,
  ): Promise<UploadRecord & { sessionUri: string }> {
    const record: UploadRecord = {
      size,
      marker: plan.marker,
      title: plan.title,
      startedAt: this.now().toISOString(),
    };
    await this.state.set(uploadKey(key), record);
    const response = await this.api.call({
      method: 'POST',
      path: '/upload/youtube/v3/videos',
      query: { uploadType: 'resumable', part: 'snippet,status' },
      headers: { 'x-upload-content-length': String(size), 'x-upload-content-type': video.mimeType },
      json: videoResourceOf(plan),
      units: this.options.insertUnits,
      upload: true,
      what: 'starting the video upload',
    });
    const location = response.headers.location;
    if (!location || !/^https?:\/\//.test(location)) {
      throw new Error('plugin youtube: videos.insert (resumable) answered without a session URI in Location');
    }
    const opened = { ...record, sessionUri: location };
    await this.state.set(uploadKey(key), opened);
    return opened;
  }

  /** Sends the file from `offset` to the end, chunk by chunk; answers the video's id when the last chunk is taken. */
  async send(
    record: UploadRecord & { sessionUri: string },
    video: MediaAttachment,
    offset: number,
  ): Promise<{ videoId: string } | 'expired'> {
    const file = await openMediaFile(video);
    try {
      if (file.size !== record.size) {
        throw refusedByPlatform(
          'fileChanged',
          `the video file changed size during its upload (${record.size} → ${file.size} bytes): publish the post again with a new file`,
        );
      }
      let at = offset;
      for (;;) {
        const end = Math.min(at + this.options.chunkBytes, record.size);
        const last = end === record.size;
        const bytes = await file.readAt(at, end - at);
        const what = `uploading bytes ${at}-${end - 1} of ${record.size}`;
        let response: PluginHttpResponse;
        try {
          response = await this.api.session(
            record.sessionUri,
            {
              'content-type': video.mimeType,
              'content-range': record.size === 0 ? `bytes */0` : `bytes ${at}-${end - 1}/${record.size}`,
            },
            bytes,
            this.options.uploadTimeoutMs,
          );
        } catch (error) {
          // The last chunk may have completed the video: the core looks it up (the session answers its id).
          throw unanswered(error, last, what);
        }
        if (response.status === 200 || response.status === 201) {
          return { videoId: await completedVideo(this.api, response, what) };
        }
        if (response.status === 308) {
          const arrived = offsetOf(response);
          if (arrived <= at && end > at) {
            throw new Error(
              `plugin youtube: the upload session took none of bytes ${at}-${end - 1}; it is resumed on the next try`,
            );
          }
          at = arrived;
          continue;
        }
        if (response.status === 404 || response.status === 410) {
          return 'expired';
        }
        throw await this.api.failure(response, last, what);
      }
    } finally {
      await file.close();
    }
  }
}
