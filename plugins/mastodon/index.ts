import { defineConnector } from '../../src/plugin-sdk';
import { MASTODON_DEFAULTS } from './mastodon-instance';
import { mastodonTextLimits } from './mastodon-text';
import { MAX_THREAD_PARTS } from './mastodon-thread';
import { MastodonConnector } from './mastodon.connector';
import { mastodonOptionsSchema, type MastodonOptions } from './mastodon-options.schema';

/**
 * A Mastodon account (or a server with Mastodon's API) through its documented REST API: statuses with media and
 * alt text, content warnings and visibility; deletes; mentions; profile; follower and per-status counts.
 */
export default defineConnector<MastodonOptions>({
  kind: 'connector',
  name: 'mastodon',
  version: '1.1.0',
  sdk: '^2.0.0',
  description: 'Mastodon REST API: idempotent statuses with media, mentions, profile and counts.',
  options: mastodonOptionsSchema,
  capabilities: {
    // The network's own names for its figures, shown in the monthly report (SDK 2.2).
    metricNames: { engagements: { likes: 'Favourites', reposts: 'Boosts', replies: 'Replies' } },
    publish: true,
    delete: true,
    inbox: true,
    profile: true,
    metrics: true,
    reply: true,
    updateProfile: true,
    // Mastodon's defaults. Each instance announces its own (GET /api/v2/instance); publish enforces those.
    text: mastodonTextLimits(MASTODON_DEFAULTS.maxCharacters, MASTODON_DEFAULTS.charactersPerUrl),
    media: {
      maxCount: MASTODON_DEFAULTS.maxMediaAttachments,
      types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'video/mp4', 'video/quicktime'],
      // Mastodon's default image_size_limit (16 MiB) and video_size_limit (99 MiB).
      maxBytes: 99 * 1024 * 1024,
      maxImageBytes: 16 * 1024 * 1024,
      maxVideoBytes: 99 * 1024 * 1024,
      altTextLimit: MASTODON_DEFAULTS.descriptionLimit,
      videoAlone: true,
      // Mastodon 4's video_matrix_limit (3840 × 2160): a larger video is refused ("… videos are not supported").
      // Images over image_matrix_limit are scaled down by the server, not refused, so no image limit here.
      video: { maxPixels: 8_294_400 },
    },
    thread: { maxParts: MAX_THREAD_PARTS },
  },
  create: (context, options) => new MastodonConnector(context, options),
});
