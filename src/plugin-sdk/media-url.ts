import type { MediaAttachment } from './connector';
import type { PluginContext } from './plugin-context';

/** How long a media URL serves its file when the connector does not say: long enough for a platform's queue. */
export const DEFAULT_MEDIA_URL_LIFETIME_MS = 3_600_000;
/** The longest a media URL may live: a leaked URL stops working within a week whatever it asked for. */
export const MAX_MEDIA_URL_LIFETIME_MS = 7 * 86_400_000;

export interface MediaUrlOptions {
  /** Milliseconds the URL serves the file, from now: default one hour, at most seven days. */
  expiresInMs?: number;
}

/**
 * Media the platform fetches itself (SDK 2): Instagram, Threads, TikTok's PULL_FROM_URL and Pinterest take a URL
 * instead of an upload. The host serves the one file at `organisation.publicUrl` under a signed, expiring token.
 */
export interface PluginMediaLinks {
  /**
   * An absolute URL (https unless `organisation.publicUrl` is a loopback address) that serves exactly this file,
   * with its content type, until it expires; it ends with the file's extension for platforms that look at it.
   * Throws a PermanentError when `organisation.publicUrl` is not set, when the file is not a readable file inside
   * its content folder, or when `expiresInMs` is out of range. The file is checked again on every fetch.
   */
  publicUrl(attachment: MediaAttachment, options?: MediaUrlOptions): string;
}

/** The context's media links; a host older than SDK 2 has none, and the plugin says so. */
export function mediaLinksOf(context: PluginContext): PluginMediaLinks {
  if (!context.media) {
    throw new Error(
      `plugin ${context.plugin}: this Metronome serves no media by URL (SDK 2 needed): upload the file instead`,
    );
  }
  return context.media;
}
