import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { youtubeOAuth } from '../../plugins/youtube/youtube-oauth';
import type { YouTubeOptions } from '../../plugins/youtube/youtube-options.schema';
import type {
  Connector,
  MediaAttachment,
  OAuthTokens,
  PluginCredentials,
  PublishRequest,
} from '../../src/plugin-sdk';
import {
  createFetchHttpClient,
  createMemoryCredentials,
  type MemoryCredentials,
} from '../../src/plugin-sdk/testing';
import { mp4, png } from '../content/media-headers';
import type { YouTubeApiFake } from '../fakes/youtube-api.fake';

/** The smallest chunk a resumable upload takes (256 KiB): tests upload in several of them. */
export const TEST_CHUNK = 256 * 1024;

/** An MP4 (a real header: 3 s, 1280×720) padded with a `free` box to `bytes` in all. */
export function paddedMp4(bytes: number): Buffer {
  const head = mp4({ seconds: 3, width: 1280, height: 720 });
  const padding = Math.max(8, bytes - head.length);
  const free = Buffer.alloc(padding);
  free.writeUInt32BE(padding, 0);
  free.write('free', 4, 'ascii');
  return Buffer.concat([head, free]);
}

/** A content folder with videos and a thumbnail in a temporary directory; `dispose()` removes it. */
export function mediaFolder(): {
  root: string;
  video(name: string, bytes: number): MediaAttachment;
  thumbnail(name: string): MediaAttachment;
  dispose(): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'youtube-media-'));
  return {
    root,
    video(name, bytes) {
      writeFileSync(join(root, name), paddedMp4(bytes));
      return { path: join(root, name), root, mimeType: 'video/mp4' };
    },
    thumbnail(name) {
      writeFileSync(join(root, name), png(1280, 720));
      return { path: join(root, name), root, mimeType: 'image/png' };
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Options as the schema completes them, pointing at the fake (or a proxy in front of it). */
export function optionsFor(
  fake: YouTubeApiFake,
  apiUrl = fake.baseUrl,
  extra: Partial<YouTubeOptions> = {},
): YouTubeOptions {
  return {
    apiUrl,
    authorizationUrl: `${fake.baseUrl}/authorize`,
    tokenUrl: fake.tokenUrl,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    analytics: false,
    privacy: 'public',
    categoryId: '22',
    madeForKids: false,
    chunkBytes: TEST_CHUNK,
    dailyQuotaUnits: 10_000,
    uploadsPerDay: 100,
    insertUnits: 0,
    inboxPages: 3,
    timeoutMs: 2_000,
    uploadTimeoutMs: 2_000,
    ...extra,
  };
}

/** A connected channel: tokens granted by the fake, renewed through the plugin's own refresh at its token endpoint. */
export function connectedCredentials(fake: YouTubeApiFake, options: YouTubeOptions): MemoryCredentials {
  const tokens: OAuthTokens = {
    ...fake.grant(),
    account: { channelId: fake.channelId, channelTitle: fake.channelTitle },
  };
  const tools = { options, http: createFetchHttpClient('youtube'), clock: { now: () => new Date() } };
  return createMemoryCredentials(tokens, (current) => youtubeOAuth.refresh!(current, tools));
}

/** Credentials whose holder is set later (the kit builds the context before it starts the platform). */
export function lateCredentials(): { credentials: PluginCredentials; set(value: MemoryCredentials): void } {
  let held: MemoryCredentials | undefined;
  const get = () => {
    if (!held) {
      throw new Error('youtube test: credentials used before the platform started');
    }
    return held;
  };
  return {
    credentials: { current: () => get().current(), refresh: () => get().refresh() },
    set: (value) => {
      held = value;
    },
  };
}

export function request(
  key: string,
  video: MediaAttachment,
  extra: Partial<PublishRequest> = {},
): PublishRequest {
  return {
    idempotencyKey: key,
    title: `Video ${key}`,
    text: `Description of ${key}.`,
    media: [video],
    scheduledAt: new Date(Date.now() - 1_000),
    extra: {},
    ...extra,
  };
}

/**
 * A connector whose posts without media get this video: the conformance kit publishes text posts, and YouTube takes
 * only videos. Everything else passes through untouched.
 */
export function withVideo(inner: Connector, video: MediaAttachment): Connector {
  const wrapped: Connector = {
    publish: (post: PublishRequest) =>
      inner.publish!({ ...post, media: post.media.length > 0 ? post.media : [video] }),
    lookup: (key) => inner.lookup!(key),
    status: (handle) => inner.status!(handle),
    delete: (remoteId) => inner.delete!(remoteId),
    fetchInbox: (since) => inner.fetchInbox!(since),
    reply: (item, reply) => inner.reply!(item, reply),
    getProfile: () => inner.getProfile!(),
    fetchMetrics: (day) => inner.fetchMetrics!(day),
  };
  if (inner.refreshCredentials) {
    wrapped.refreshCredentials = () => inner.refreshCredentials!();
  }
  return wrapped;
}
