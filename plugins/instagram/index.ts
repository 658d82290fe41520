import { defineConnector } from '../../src/plugin-sdk';
import { InstagramConnector } from './instagram.connector';
import { instagramOAuth } from './instagram-oauth';
import { instagramOptionsSchema, type InstagramOptions } from './instagram-options.schema';

/**
 * An Instagram professional account (Business or Creator) through the Instagram API with Instagram Login: image,
 * carousel and reel posts by two-step containers, comments into the inbox and replies, insights for metrics.
 * Limits: developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media.
 */
export default defineConnector<InstagramOptions>({
  kind: 'connector',
  name: 'instagram',
  version: '1.0.0',
  sdk: '^2.1.0',
  description:
    'Instagram API with Instagram Login: images, carousels and reels, comments, replies and insights.',
  options: instagramOptionsSchema,
  oauth: instagramOAuth,
  capabilities: {
    // The network's own names for its figures, shown in the monthly report (SDK 2.2).
    metricNames: {
      impressions: 'Views',
      engagements: { likes: 'Likes', comments: 'Comments', saved: 'Saves', shares: 'Shares' },
    },
    publish: true,
    twoStep: true,
    inbox: true,
    reply: true,
    profile: true,
    metrics: true,
    // IG User Media: caption at most 2,200 characters, 30 hashtags, 20 @ tags.
    text: { graphemes: 2_200, maxHashtags: 30, maxMentions: 20 },
    media: {
      // Carousels: up to 10 items (a single image or reel is one); Instagram has no text-only posts.
      maxCount: 10,
      minCount: 1,
      types: ['image/jpeg', 'video/mp4', 'video/quicktime'],
      // Images: JPEG, at most 8 MB, 320 to 1440 px wide, aspect ratio 4:5 to 1.91:1.
      maxImageBytes: 8 * 1024 * 1024,
      // Reels: MOV or MP4, at most 300 MB, 3 s to 15 min, at most 1920 px wide.
      maxVideoBytes: 300 * 1024 * 1024,
      minVideoSeconds: 3,
      maxVideoSeconds: 15 * 60,
      image: { minWidth: 320, maxWidth: 1440, aspectRatio: { min: '4:5', max: '1.91:1' } },
      video: { maxWidth: 1920, aspectRatio: { min: '0.01:1', max: '10:1' } },
      // alt_text exists for images only (since March 2025); the reference states no length, so none is declared.
    },
  },
  create: (context, options) => new InstagramConnector(context, options),
});
