import { defineConnector } from '../../src/plugin-sdk';
import { IMAGE_LIMITS } from './bluesky-media';
import { blueskyOptionsSchema, type BlueskyOptions } from './bluesky-options.schema';
import { TEXT_LIMITS } from './bluesky-text';
import { MAX_THREAD_PARTS } from './bluesky-tid';
import { BlueskyConnector } from './bluesky.connector';

/**
 * A Bluesky account on its PDS (bsky.social or any other), signed in with an app password: posts with links,
 * mentions, hashtags and images with alt text, threads, deletes, and the profile record. Inbox and metrics are
 * not offered: they need Bluesky's AppView, which a PDS alone does not have.
 */
export default defineConnector<BlueskyOptions>({
  kind: 'connector',
  name: 'bluesky',
  version: '1.1.0',
  sdk: '^2.0.0',
  description:
    'Bluesky (AT Protocol): idempotent posts with rich text, images and threads; deletes; profile.',
  options: blueskyOptionsSchema,
  capabilities: {
    publish: true,
    delete: true,
    profile: true,
    // Reply needs inbox items to answer: Bluesky's inbox (notifications) needs its AppView, not built yet.
    reply: true,
    updateProfile: true,
    text: TEXT_LIMITS,
    // Images only: this connector does not upload video yet (app.bsky.embed.video: one per post, images or a
    // video, ≤ 100 MB, ≤ 3 min). Declaring video here would let import accept what publishing then refuses.
    media: { ...IMAGE_LIMITS, types: [...IMAGE_LIMITS.types], mixedMedia: false },
    thread: { maxParts: MAX_THREAD_PARTS },
  },
  create: (context, options) => new BlueskyConnector(context, options),
});
