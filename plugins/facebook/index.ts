import { defineConnector } from '../../src/plugin-sdk';
import { facebookOAuth } from './facebook-oauth';
import { facebookOptionsSchema, type FacebookOptions } from './facebook-options.schema';
import { FacebookConnector } from './facebook.connector';

/** Images Facebook takes for Page photos (https://developers.facebook.com/docs/graph-api/reference/page/photos/#Creating). */
export const FACEBOOK_PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/tiff'];

/**
 * A Facebook Page through the Graph API (version in facebook-version.ts): text, link and photo posts, deletes,
 * comments into the inbox, replies, profile, Page Insights. Accounts connect with Facebook Login (the `oauth`
 * provider) or a pasted Page token.
 */
export default defineConnector<FacebookOptions>({
  kind: 'connector',
  name: 'facebook',
  version: '1.0.0',
  sdk: '^2.1.0',
  description:
    'Facebook Pages (Graph API): posts with links and photos, comments and replies, Page Insights.',
  options: facebookOptionsSchema,
  capabilities: {
    // The network's own names for its figures, shown in the monthly report (SDK 2.2).
    metricNames: {
      followers: 'Follows',
      impressions: 'Views',
      engagements: { postEngagements: 'Post engagements' },
    },
    publish: true,
    delete: true,
    inbox: true,
    profile: true,
    metrics: true,
    reply: true,
    // A Page post's message: 63,206 characters (Facebook's limit on a post's text).
    text: { graphemes: 63_206 },
    media: {
      // Graph documents no maximum for attached_media; 10 is Metronome's choice, what Facebook's composer shows
      // as a grid without "+N" and what the fake enforces. Videos and reels are not supported by this connector.
      maxCount: 10,
      maxImages: 10,
      maxVideos: 0,
      types: FACEBOOK_PHOTO_TYPES,
      // Page photos: 4 MB at most (the /photos reference: "Photos … 4MB"; PNG should stay under 1 MB to avoid
      // compression artefacts, not refused).
      maxBytes: 4 * 1024 * 1024,
      maxImageBytes: 4 * 1024 * 1024,
    },
  },
  oauth: facebookOAuth,
  create: (context, options) => new FacebookConnector(context, options),
});
