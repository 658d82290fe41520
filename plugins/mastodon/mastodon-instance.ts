import { AuthenticationError, type PluginContext } from '../../src/plugin-sdk';
import type { MastodonApi } from './mastodon-api';
import type { MastodonInstance } from './mastodon-entities';

/** Mastodon's defaults, used for whatever an instance does not announce. */
export const MASTODON_DEFAULTS = {
  maxCharacters: 500,
  charactersPerUrl: 23,
  maxMediaAttachments: 4,
  descriptionLimit: 1500,
} as const;

/** What the instance allows, cached in the channel's state under this key and re-read once a day. */
export const INSTANCE_STATE_KEY = 'instance';
export const INSTANCE_REFRESH_MS = 24 * 60 * 60 * 1000;

export interface InstanceLimits {
  /** The `instance` option the limits were read from: a changed option invalidates them. */
  server: string;
  fetchedAt: string;
  maxCharacters: number;
  charactersPerUrl: number;
  maxMediaAttachments: number;
  /** Absent when the server does not announce them: then Mastodon's own answer decides. */
  supportedMimeTypes?: string[];
  imageSizeLimit?: number;
  videoSizeLimit?: number;
  descriptionLimit: number;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

function toLimits(server: string, fetchedAt: Date, instance: MastodonInstance): InstanceLimits {
  const statuses = instance.configuration?.statuses;
  const media = instance.configuration?.media_attachments;
  const mimeTypes = media?.supported_mime_types;
  return {
    server,
    fetchedAt: fetchedAt.toISOString(),
    maxCharacters:
      positive(statuses?.max_characters) ??
      positive(instance.max_toot_chars) ??
      MASTODON_DEFAULTS.maxCharacters,
    charactersPerUrl: positive(statuses?.characters_reserved_per_url) ?? MASTODON_DEFAULTS.charactersPerUrl,
    maxMediaAttachments: positive(statuses?.max_media_attachments) ?? MASTODON_DEFAULTS.maxMediaAttachments,
    supportedMimeTypes:
      Array.isArray(mimeTypes) && mimeTypes.every((type) => typeof type === 'string') ? mimeTypes : undefined,
    imageSizeLimit: positive(media?.image_size_limit),
    videoSizeLimit: positive(media?.video_size_limit),
    descriptionLimit: positive(media?.description_limit) ?? MASTODON_DEFAULTS.descriptionLimit,
  };
}

/**
 * The instance's limits (`GET /api/v2/instance`, or `/api/v1/instance` on servers without v2), from the channel's
 * state when read less than a day ago. When a refresh fails, limits read earlier are used and the failure is
 * logged: publishing itself will tell whether the server is really down.
 */
export async function instanceLimits(
  api: MastodonApi,
  context: PluginContext,
  server: string,
): Promise<InstanceLimits> {
  const now = context.clock.now();
  const cached = await context.state.get<InstanceLimits>(INSTANCE_STATE_KEY);
  const usable = cached?.server === server ? cached : undefined;
  if (usable && now.getTime() - Date.parse(usable.fetchedAt) < INSTANCE_REFRESH_MS) {
    return usable;
  }
  try {
    let response = await api.send({ path: '/api/v2/instance' });
    if (response.status === 404) {
      response = await api.send({ path: '/api/v1/instance' });
    }
    if (response.status < 200 || response.status > 299) {
      throw await api.failure(response, 'reading the instance’s limits');
    }
    const limits = toLimits(
      server,
      now,
      await api.readJson<MastodonInstance>(response, { path: '/api/v2/instance' }),
    );
    await context.state.set(INSTANCE_STATE_KEY, limits);
    return limits;
  } catch (error) {
    if (usable && !(error instanceof AuthenticationError)) {
      context.logger.warn('could not refresh the instance’s limits; using those read earlier', {
        fetchedAt: usable.fetchedAt,
        error: (error as Error).message,
      });
      return usable;
    }
    throw error;
  }
}
