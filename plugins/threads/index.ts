import { defineConnector } from '../../src/plugin-sdk';
import { CAROUSEL_MAX } from './threads-containers';
import { threadsOAuth } from './threads-oauth';
import { threadsOptionsSchema, type ThreadsOptions } from './threads-options.schema';
import { THREADS_TEXT_LIMIT } from './threads-text';
import { ThreadsConnector } from './threads.connector';

/**
 * A Threads account through the Threads API (graph.threads.net): text, link, image, video and carousel posts in
 * two steps (container, then threads_publish), replies, the inbox of replies, insights and the profile; OAuth with
 * long-lived tokens renewed by Threads' own exchange.
 */
export default defineConnector<ThreadsOptions>({
  kind: 'connector',
  name: 'threads',
  version: '1.0.0',
  sdk: '^2.1.0',
  description: 'Threads API: two-step posts (text, image, video, carousel), replies, inbox, insights, OAuth.',
  options: threadsOptionsSchema,
  oauth: threadsOAuth,
  capabilities: {
    // The network's own names for its figures, shown in the monthly report (SDK 2.2).
    metricNames: {
      impressions: 'Views',
      engagements: {
        likes: 'Likes',
        replies: 'Replies',
        reposts: 'Reposts',
        quotes: 'Quotes',
        shares: 'Shares',
      },
    },
    publish: true,
    twoStep: true,
    reply: true,
    inbox: true,
    metrics: true,
    profile: true,
    // 500 characters; emoji count as their UTF-8 bytes, which the connector checks before sending (threads-text.ts).
    // Only the first hashtag becomes the post's topic tag (or extra.topicTag); more are not refused, so no maxHashtags.
    text: { graphemes: THREADS_TEXT_LIMIT },
    // Threads Posts › Media specifications: images JPEG/PNG up to 8 MB, aspect ratio within 10:1 (widths outside
    // 320–1440 px are scaled, not refused); videos MOV/MP4 up to 1 GB and 5 minutes, at most 1920 px wide, aspect
    // ratio 0.01:1 to 10:1. A carousel has 2–20 items, images and videos mixed. No documented alt text limit.
    media: {
      maxCount: CAROUSEL_MAX,
      types: ['image/jpeg', 'image/png', 'video/mp4', 'video/quicktime'],
      maxImageBytes: 8 * 1024 * 1024,
      maxVideoBytes: 1024 * 1024 * 1024,
      maxVideoSeconds: 300,
      image: { aspectRatio: { min: '1:10', max: '10:1' } },
      video: { maxWidth: 1920, aspectRatio: { min: '0.01:1', max: '10:1' } },
    },
  },
  create: (context, options) => new ThreadsConnector(context, options),
});
