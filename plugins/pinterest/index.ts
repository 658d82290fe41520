import { defineConnector } from '../../src/plugin-sdk';
import { pinterestOAuth } from './pinterest-oauth';
import { pinterestOptionsSchema, type PinterestOptions } from './pinterest-options.schema';
import {
  ALT_TEXT_LIMIT,
  DESCRIPTION_LIMIT,
  IMAGE_TYPES,
  MAX_IMAGE_BYTES,
  MAX_IMAGES,
  TITLE_LIMIT,
} from './pinterest-pin-body';
import { MAX_VIDEO_BYTES, MAX_VIDEO_SECONDS, MIN_VIDEO_SECONDS, VIDEO_TYPES } from './pinterest-video';
import { PinterestConnector } from './pinterest.connector';

/** A Pinterest account through API v5 (pins on boards, analytics), connected with Pinterest's OAuth 2. */
export default defineConnector<PinterestOptions>({
  kind: 'connector',
  name: 'pinterest',
  version: '1.0.0',
  sdk: '^2.2.0',
  description:
    'Pinterest: image pins and carousels on a board, with title, description, link and alt text; analytics.',
  options: pinterestOptionsSchema,
  capabilities: {
    publish: true,
    delete: true,
    profile: true,
    metrics: true,
    // Video pins: uploaded, then processed by Pinterest; status(handle) creates the pin once it is ready.
    twoStep: true,
    // Create Pin (v5 OpenAPI PinCreate): description ≤ 800, title ≤ 100, alt_text ≤ 500.
    text: { graphemes: DESCRIPTION_LIMIT },
    title: { graphemes: TITLE_LIMIT },
    media: {
      minCount: 1,
      maxCount: MAX_IMAGES,
      maxImages: MAX_IMAGES,
      maxVideos: 1,
      videoAlone: true,
      mixedMedia: false,
      // The base64 sources take image/jpeg and image/png (ContentType enum); images up to 20 MB. Videos: MP4 or
      // MOV, 4 s to 15 min (Pinterest takes 2 GB; this connector sends at most 512 MB, from memory).
      types: [...IMAGE_TYPES, ...VIDEO_TYPES],
      maxImageBytes: MAX_IMAGE_BYTES,
      maxVideoBytes: MAX_VIDEO_BYTES,
      minVideoSeconds: MIN_VIDEO_SECONDS,
      maxVideoSeconds: MAX_VIDEO_SECONDS,
      altTextLimit: ALT_TEXT_LIMIT,
    },
    metricNames: {
      followers: 'Followers',
      impressions: 'Impressions',
      clicks: 'Outbound clicks',
      engagements: { saves: 'Saves', pinClicks: 'Pin clicks' },
    },
  },
  oauth: pinterestOAuth,
  create: (context, options) => new PinterestConnector(context, options),
});
