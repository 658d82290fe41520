import { defineConnector } from '../../src/plugin-sdk';
import { youtubeOAuth } from './youtube-oauth';
import { youtubeOptionsSchema, type YouTubeOptions } from './youtube-options.schema';
import { THUMBNAIL_BYTES, YouTubeConnector } from './youtube.connector';
import { DESCRIPTION_BYTES, TITLE_LIMIT } from './youtube-video';

/** 256 GB, YouTube's largest upload (https://support.google.com/youtube/answer/71673). */
export const MAX_VIDEO_BYTES = 256 * 1024 ** 3;

/**
 * A YouTube channel through the Data API v3, connected with Google's OAuth 2: one video per post by resumable
 * upload (exactly once), processed in two steps, with title, description, tags, privacy, scheduled publishing and a
 * thumbnail; comments as the inbox and replies; subscribers and views.
 */
export default defineConnector<YouTubeOptions>({
  kind: 'connector',
  name: 'youtube',
  version: '1.0.0',
  sdk: '^2.2.0',
  description:
    'YouTube channels: video uploads (resumable, scheduled, thumbnails), comments and replies, statistics.',
  options: youtubeOptionsSchema,
  capabilities: {
    publish: true,
    twoStep: true,
    delete: true,
    inbox: true,
    reply: true,
    profile: true,
    metrics: true,
    // The description: 5,000 bytes (videos resource, snippet.description).
    text: { bytes: DESCRIPTION_BYTES },
    // snippet.title: 100 characters.
    title: { graphemes: TITLE_LIMIT },
    media: {
      maxCount: 2,
      minCount: 1,
      // One video per post: a post of images only is refused at import (SDK 2.2).
      minVideos: 1,
      maxVideos: 1,
      maxImages: 1,
      types: ['video/mp4', 'video/quicktime', 'video/webm', 'image/jpeg', 'image/png'],
      maxVideoBytes: MAX_VIDEO_BYTES,
      // 12 hours for verified channels (15 minutes until a channel is verified: met at publish as YouTube's refusal).
      maxVideoSeconds: 12 * 3600,
      // The image is the thumbnail (thumbnails.set: JPEG or PNG, 2 MB).
      maxImageBytes: THUMBNAIL_BYTES,
    },
    metricNames: {
      followers: 'Subscribers',
      impressions: 'Views',
      engagements: { likes: 'Likes', comments: 'Comments' },
    },
  },
  oauth: youtubeOAuth,
  create: (context, options) => new YouTubeConnector(context, options),
});
