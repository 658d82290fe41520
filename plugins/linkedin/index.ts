import { defineConnector } from '../../src/plugin-sdk';
import { linkedinOAuth } from './linkedin-oauth';
import { linkedinOptionsSchema, type LinkedInOptions } from './linkedin-options.schema';
import { ALT_TEXT_LIMIT, COMMENTARY_LIMIT, MAX_IMAGES } from './linkedin-post-body';
import { LinkedInConnector } from './linkedin.connector';

/**
 * A LinkedIn member profile or Page through the versioned REST API (Posts, Images, Comments, Page statistics),
 * connected with LinkedIn's OAuth 2.
 */
export default defineConnector<LinkedInOptions>({
  kind: 'connector',
  name: 'linkedin',
  version: '1.0.0',
  sdk: '^2.1.0',
  description:
    'LinkedIn profiles and Pages: posts with images, article links and mentions; comments; Page statistics.',
  options: linkedinOptionsSchema,
  capabilities: {
    // The network's own names for its figures, shown in the monthly report (SDK 2.2).
    metricNames: {
      impressions: 'Impressions',
      clicks: 'Clicks',
      engagements: { likes: 'Reactions', comments: 'Comments', shares: 'Reposts' },
    },
    publish: true,
    delete: true,
    inbox: true,
    profile: true,
    metrics: true,
    reply: true,
    // Posts API: commentary up to 3,000 characters; links count as written.
    text: { graphemes: COMMENTARY_LIMIT },
    media: {
      maxCount: MAX_IMAGES,
      maxImages: MAX_IMAGES,
      maxVideos: 0,
      // Images API: JPG, GIF and PNG; fewer than 36,152,320 pixels.
      types: ['image/jpeg', 'image/png', 'image/gif'],
      image: { maxPixels: 36_152_319 },
      altTextLimit: ALT_TEXT_LIMIT,
    },
  },
  oauth: linkedinOAuth,
  create: (context, options) => new LinkedInConnector(context, options),
});
