import { readMediaFile, type MediaAttachment, type PluginStateStore } from '../../src/plugin-sdk';
import type { LinkedInApi } from './linkedin-api';

/** The largest image read into memory for an upload (LinkedIn documents pixels, not bytes; 36 MP JPEGs stay below). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

interface InitializeUploadAnswer {
  value?: { uploadUrl?: unknown; image?: unknown; uploadUrlExpiresAt?: unknown };
}

/**
 * Uploads a post's images through the Images API
 * (https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/images-api):
 * `POST /rest/images?action=initializeUpload` with the owner, then a PUT of the bytes to the uploadUrl. Each image's
 * URN is kept under the post's key once uploaded, so a retry of the post does not upload it again.
 */
export async function uploadImages(
  api: LinkedInApi,
  state: PluginStateStore,
  idempotencyKey: string,
  owner: string,
  media: MediaAttachment[],
): Promise<string[]> {
  const urns: string[] = [];
  for (const [index, item] of media.entries()) {
    const stateKey = `image:${idempotencyKey}:${index}`;
    const known = await state.get<string>(stateKey);
    if (known) {
      urns.push(known);
      continue;
    }
    const bytes = await readMediaFile(item, MAX_UPLOAD_BYTES);
    const answer = await api.json<InitializeUploadAnswer>({
      method: 'POST',
      path: '/rest/images',
      query: 'action=initializeUpload',
      json: { initializeUploadRequest: { owner } },
      what: `starting the upload of image ${index + 1}`,
    });
    const { uploadUrl, image } = answer.value ?? {};
    if (typeof uploadUrl !== 'string' || typeof image !== 'string' || !image.startsWith('urn:li:image:')) {
      throw new Error(
        `plugin linkedin: initializeUpload answered without value.uploadUrl and value.image (a urn:li:image): ${JSON.stringify(answer).slice(0, 200)}`,
      );
    }
    await api.upload(uploadUrl, bytes, item.mimeType, `uploading image ${index + 1}`);
    await state.set(stateKey, image);
    urns.push(image);
  }
  return urns;
}
