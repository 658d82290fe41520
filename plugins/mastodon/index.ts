import { defineConnector } from '../../src/plugin-sdk';
import { MastodonConnector } from './mastodon.connector';
import { mastodonOptionsSchema, type MastodonOptions } from './mastodon-options.schema';

/**
 * A Mastodon account (or a server with Mastodon's API) through its documented REST API: statuses with media and
 * alt text, content warnings and visibility; deletes; mentions; profile; follower and per-status counts.
 */
export default defineConnector<MastodonOptions>({
  kind: 'connector',
  name: 'mastodon',
  version: '1.0.0',
  sdk: '^1.0.0',
  description: 'Mastodon REST API: idempotent statuses with media, mentions, profile and counts.',
  options: mastodonOptionsSchema,
  capabilities: {
    publish: true,
    delete: true,
    inbox: true,
    profile: true,
    metrics: true,
    // Mastodon's default. Each instance announces its own (GET /api/v2/instance); publish enforces that one.
    textLimit: 500,
    media: {
      maxCount: 4,
      types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'video/mp4', 'video/quicktime'],
      // Mastodon's video limit (99 MB); images are held to the instance's own limit (16 MB by default) at publish.
      maxBytes: 99 * 1024 * 1024,
      altTextLimit: 1500,
    },
  },
  create: (context, options) => new MastodonConnector(context, options),
});
