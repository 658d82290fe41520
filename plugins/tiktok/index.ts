import { defineConnector } from '../../src/plugin-sdk';
import { tiktokOAuth } from './tiktok-oauth';
import { tiktokOptionsSchema, type TikTokOptions } from './tiktok-options.schema';
import { TIKTOK_CAPTION_LIMIT } from './tiktok-text';
import { TikTokConnector } from './tiktok.connector';

/**
 * A TikTok account through the Content Posting API (Direct Post): one video per post, uploaded in chunks or pulled
 * by TikTok from a signed URL, followed with status/fetch until published; followers and per-video views, likes,
 * comments and shares; OAuth (Login Kit for Web) with 24-hour tokens renewed by the plugin.
 */
export default defineConnector<TikTokOptions>({
  kind: 'connector',
  name: 'tiktok',
  version: '1.0.0',
  sdk: '^2.2.0',
  description: 'TikTok Content Posting API (Direct Post): videos in two steps, metrics, OAuth.',
  options: tiktokOptionsSchema,
  oauth: tiktokOAuth,
  capabilities: {
    publish: true,
    twoStep: true,
    metrics: true,
    // The caption is post_info.title: 2,200 UTF-16 units, which the connector checks before sending (an emoji
    // counts two or more there, one grapheme here). The post's own title is not used: a video post has none.
    text: { graphemes: TIKTOK_CAPTION_LIMIT },
    // Content Posting API › Media transfer guide and Direct Post: MP4 (recommended), WebM or MOV; at most 4 GB;
    // 3 s to 10 min (the creator's own maximum, from creator_info, is checked at publish); 360–4096 px a side.
    // Frame rate (23–60 fps) and codecs (H.264, H.265, VP8, VP9) cannot be declared.
    media: {
      maxCount: 1,
      minCount: 1,
      maxVideos: 1,
      maxImages: 0,
      types: ['video/mp4', 'video/webm', 'video/quicktime'],
      maxVideoBytes: 4 * 1024 * 1024 * 1024,
      minVideoSeconds: 3,
      maxVideoSeconds: 600,
      video: { minWidth: 360, minHeight: 360, maxWidth: 4096, maxHeight: 4096 },
    },
    metricNames: {
      followers: 'Followers',
      impressions: 'Views',
      engagements: { likes: 'Likes', comments: 'Comments', shares: 'Shares' },
    },
  },
  create: (context, options) => new TikTokConnector(context, options),
});
