import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PermanentError, openMediaFile, readMediaFile, type MediaAttachment } from '../../src/plugin-sdk';
import type { MastodonApi } from './mastodon-api';
import type { MastodonMediaAttachment } from './mastodon-entities';
import type { InstanceLimits } from './mastodon-instance';
import { graphemeCount } from './mastodon-text';

/** An upload may be large and the server slow: far longer than an ordinary call. */
export const UPLOAD_TIMEOUT_MS = 120_000;
/** Waits between checks of an upload the server is still processing; the last one repeats. */
const PROCESSING_POLL_DELAYS_MS = [250, 500, 1_000, 2_000, 3_000];
/** How long to wait for processing before giving up this attempt (the next attempt reuses the upload). */
const PROCESSING_LIMIT_MS = 60_000;

/** An upload made for one publish attempt, kept so a retry attaches it instead of uploading again. */
export interface UploadedMedia {
  path: string;
  altText: string;
  id: string;
}

const MIB = 1024 * 1024;

function isTimeBased(mimeType: string): boolean {
  return mimeType.startsWith('video/') || mimeType.startsWith('audio/');
}

/**
 * Checks every file against what the instance accepts before anything is uploaded: count, type, size, alt text
 * length, and Mastodon's rule that a video or audio file is the only attachment of its status.
 */
export async function checkMedia(
  items: MediaAttachment[],
  limits: InstanceLimits,
  host: string,
): Promise<void> {
  if (items.length > limits.maxMediaAttachments) {
    throw new PermanentError(
      `${items.length} media files, but ${host} takes at most ${limits.maxMediaAttachments} per status`,
    );
  }
  if (items.length > 1 && items.some((item) => isTimeBased(item.mimeType))) {
    throw new PermanentError(
      'Mastodon takes a video or audio file only as the single attachment of a status',
    );
  }
  for (const item of items) {
    if (limits.supportedMimeTypes && !limits.supportedMimeTypes.includes(item.mimeType)) {
      throw new PermanentError(
        `media file "${item.path}" is ${item.mimeType}, which ${host} does not accept`,
      );
    }
    // Opened only inside the content folder (symlinks resolved when opened); one message for any refusal.
    const file = await openMediaFile(item);
    const size = file.size;
    await file.close();
    const limit = isTimeBased(item.mimeType) ? limits.videoSizeLimit : limits.imageSizeLimit;
    if (limit !== undefined && size > limit) {
      throw new PermanentError(
        `media file "${item.path}" is ${(size / MIB).toFixed(1)} MiB; ${host} takes at most ${(limit / MIB).toFixed(1)} MiB`,
      );
    }
    const altLength = graphemeCount(item.altText ?? '');
    if (altLength > limits.descriptionLimit) {
      throw new PermanentError(
        `the alt text of "${item.path}" is ${altLength} characters; ${host} takes at most ${limits.descriptionLimit}`,
      );
    }
  }
}

/** `POST /api/v2/media`: the file and its alt text as multipart/form-data. Returns the attachment as answered. */
export async function uploadMedia(
  api: MastodonApi,
  item: MediaAttachment,
): Promise<{ attachment: MastodonMediaAttachment; processing: boolean }> {
  // Opened again right before reading, inside the content folder: a file swapped for a symlink since is refused.
  const bytes = await readMediaFile(item);
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: item.mimeType }), basename(item.path));
  if (item.altText) {
    form.append('description', item.altText);
  }
  // Let the platform's own encoder write the multipart body (boundary, escaping), then send it as bytes.
  const encoded = new Request('http://multipart.invalid/', { method: 'POST', body: form });
  const body = {
    bytes: new Uint8Array(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type') ?? 'multipart/form-data',
  };
  const { status, body: attachment } = await api.json<MastodonMediaAttachment>(
    { method: 'POST', path: '/api/v2/media', body, timeoutMs: UPLOAD_TIMEOUT_MS },
    `uploading "${basename(item.path)}"`,
  );
  return { attachment, processing: status === 202 || attachment.url === null };
}

/**
 * Waits until the server has processed an upload: `GET /api/v1/media/:id` answers 206 while it is processing and
 * 200 (with `url` set) when done. 'gone' when the attachment no longer exists unattached (404: removed, or
 * already attached to a status). Gives up after a minute with a transient error; a retry picks the upload up again.
 */
export async function waitUntilProcessed(
  api: MastodonApi,
  id: string,
  label: string,
): Promise<'ready' | 'gone'> {
  const started = Date.now();
  for (let check = 0; ; check++) {
    const path = `/api/v1/media/${encodeURIComponent(id)}`;
    const response = await api.send({ path });
    if (response.status === 404) {
      return 'gone';
    }
    if (response.status !== 200 && response.status !== 206) {
      // 422: the server could not process the file (a PermanentError naming Mastodon's reason).
      throw await api.failure(response, `processing ${label}`);
    }
    const attachment = await api.readJson<MastodonMediaAttachment>(response, { path });
    if (response.status === 200 && attachment.url) {
      return 'ready';
    }
    const delay = PROCESSING_POLL_DELAYS_MS[Math.min(check, PROCESSING_POLL_DELAYS_MS.length - 1)];
    if (Date.now() - started + delay > PROCESSING_LIMIT_MS) {
      throw new Error(
        `Mastodon (${api.host}) is still processing ${label} after ${PROCESSING_LIMIT_MS / 1000} s; the next attempt waits for the same upload`,
      );
    }
    await sleep(delay);
  }
}
