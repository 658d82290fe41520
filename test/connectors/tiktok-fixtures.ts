import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tiktok from '../../plugins/tiktok';
import { tiktokOAuth } from '../../plugins/tiktok/tiktok-oauth';
import type { TikTokOptions } from '../../plugins/tiktok/tiktok-options.schema';
import type { MediaAttachment, OAuthTokens, PublishRequest } from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryCredentials,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import type { TikTokApiFake } from '../fakes/tiktok-api.fake';

const box = (type: string, body: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
};

/**
 * A small MP4 as the SDK's header reader sees one: ftyp, a moov with mvhd (the duration) and a video track's tkhd
 * (the frame), then an mdat padding the file to `bytes`. Not playable; TikTok's fake does not decode it.
 */
export function mp4(seconds: number, bytes = 64 * 1024, frame = { width: 720, height: 1280 }): Buffer {
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12);
  mvhd.writeUInt32BE(Math.round(seconds * 1000), 16);
  const tkhd = Buffer.alloc(84);
  tkhd.writeUInt32BE(0x00010000, 40);
  tkhd.writeUInt32BE(0x00010000, 56);
  tkhd.writeUInt32BE(frame.width * 65536, 76);
  tkhd.writeUInt32BE(frame.height * 65536, 80);
  const head = Buffer.concat([
    box('ftyp', Buffer.from('isom\0\0\0\0isom', 'latin1')),
    box('moov', Buffer.concat([box('mvhd', mvhd), box('trak', box('tkhd', tkhd))])),
  ]);
  const mdat = Buffer.alloc(Math.max(8, bytes - head.length));
  mdat.writeUInt32BE(mdat.length, 0);
  mdat.write('mdat', 4, 'latin1');
  for (let at = 8; at < mdat.length; at += 4096) {
    mdat[at] = at % 251;
  }
  return Buffer.concat([head, mdat]);
}

/** A folder of videos standing in for a brand's content folder. */
export function videoFolder(): {
  root: string;
  video(name: string, seconds?: number, bytes?: number): MediaAttachment;
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'tiktok-videos-'));
  return {
    root,
    video: (name, seconds = 12, bytes = 64 * 1024) => {
      const path = join(root, name);
      writeFileSync(path, mp4(seconds, bytes));
      return { path, root, mimeType: 'video/mp4' };
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function requestOf(
  key: string,
  text: string,
  media: MediaAttachment[],
  extra: Record<string, unknown> = {},
): PublishRequest {
  return { idempotencyKey: key, text, media, scheduledAt: new Date(), extra };
}

/** Options as the schema completes them, pointing at the fake (or a proxy in front of it). */
export async function optionsFor(
  fake: TikTokApiFake,
  apiBaseUrl = fake.baseUrl,
  extra: Record<string, unknown> = {},
): Promise<TikTokOptions> {
  const validated = await tiktok.options!['~standard'].validate({
    apiBaseUrl,
    authorizationUrl: `${fake.baseUrl}/v2/auth/authorize/`,
    clientKey: fake.clientKey,
    clientSecret: fake.clientSecret,
    // Loopback answers in milliseconds; 3 s keeps a loaded CI machine from turning a slow answer into a timeout.
    timeoutMs: 3_000,
    uploadTimeoutMs: 3_000,
    statusCheckAfterMs: 100,
    ...extra,
  });
  if (validated.issues) {
    throw new Error(JSON.stringify(validated.issues));
  }
  return validated.value;
}

/** A connected channel's tokens, renewed through the plugin's own refresh against the fake's token endpoint. */
export function connectedCredentials(fake: TikTokApiFake, options: TikTokOptions): MemoryCredentials {
  const tokens: OAuthTokens = { ...fake.grant(), account: { openId: fake.openId, username: fake.username } };
  const tools = { options, http: createFetchHttpClient('tiktok'), clock: { now: () => new Date() } };
  return createMemoryCredentials(tokens, (current) => tiktokOAuth.refresh!(current, tools));
}
