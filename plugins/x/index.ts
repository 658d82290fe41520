import { defineConnector } from '../../src/plugin-sdk';
import {
  ALT_TEXT_LIMIT,
  IMAGE_TYPES,
  MAX_IMAGE_BYTES,
  MAX_IMAGES,
  MAX_VIDEO_BYTES,
  MAX_VIDEO_SECONDS,
  VIDEO_TYPES,
} from './x-media';
import { xOAuth } from './x-oauth';
import { xOptionsSchema, type XOptions } from './x-options.schema';
import { MAX_THREAD_PARTS, X_TEXT_LIMITS } from './x-text';
import { XConnector } from './x.connector';

/**
 * An X (formerly Twitter) account through API v2, connected with OAuth 2.0 (Authorization Code with PKCE): posts,
 * threads, images, a GIF or a video with alt text; mentions and replies; followers and post counts.
 */
export default defineConnector<XOptions>({
  kind: 'connector',
  name: 'x',
  version: '1.0.0',
  sdk: '^2.2.0',
  description:
    'X (Twitter): posts and threads with images, a GIF or a video; mentions and replies; followers and post counts.',
  options: xOptionsSchema,
  capabilities: {
    publish: true,
    delete: true,
    inbox: true,
    profile: true,
    metrics: true,
    reply: true,
    // 280 weighted characters, links 23. X also counts CJK characters and emoji as 2: the connector checks that
    // (weightedLength) before sending; the SDK's limits cannot say it.
    text: X_TEXT_LIMITS,
    thread: { maxParts: MAX_THREAD_PARTS },
    media: {
      maxCount: MAX_IMAGES,
      maxImages: MAX_IMAGES,
      maxVideos: 1,
      mixedMedia: false,
      types: [...IMAGE_TYPES, 'image/gif', ...VIDEO_TYPES],
      // Still images 5 MB. A GIF may be 15 MB on X, but the SDK has one byte limit for every image/*: the smaller.
      maxImageBytes: MAX_IMAGE_BYTES,
      maxVideoBytes: MAX_VIDEO_BYTES,
      minVideoSeconds: 0.5,
      maxVideoSeconds: MAX_VIDEO_SECONDS,
      video: { minWidth: 32, minHeight: 32, aspectRatio: { min: '1:3', max: '3:1' } },
      altTextLimit: ALT_TEXT_LIMIT,
    },
    metricNames: {
      followers: 'Followers',
      impressions: 'Impressions',
      clicks: 'Link clicks',
      engagements: {
        retweets: 'Reposts',
        likes: 'Likes',
        replies: 'Replies',
        quotes: 'Quotes',
        bookmarks: 'Bookmarks',
      },
    },
  },
  oauth: xOAuth,
  create: (context, options) => new XConnector(context, options),
});
