import { defineConnector } from '../../src/plugin-sdk';
import { wordpressOptionsSchema, type WordPressOptions } from './wordpress-options.schema';
import { WordPressConnector } from './wordpress.connector';

/** Image types WordPress accepts for upload by default (get_allowed_mime_types; WebP since 5.8). */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
/** Images per post: the first is the featured image, the others go in the content. Metronome's own bound. */
export const MAX_IMAGES = 20;
/** `wp_posts.post_title` is a MySQL TEXT column: 65,535 bytes. */
export const TITLE_BYTES = 65_535;

/**
 * A self-hosted WordPress site (or any WordPress with the REST API) through `/wp/v2`, signed in with an application
 * password: posts with titles, excerpts, categories, tags and images; comments as the inbox; replies; comment counts.
 */
export default defineConnector<WordPressOptions>({
  kind: 'connector',
  name: 'wordpress',
  version: '1.0.0',
  sdk: '^2.2.0',
  description:
    'WordPress sites (REST API, application passwords): posts with a title, excerpt, categories, tags and images, scheduled or published; comments and replies; comment counts.',
  options: wordpressOptionsSchema,
  capabilities: {
    publish: true,
    delete: true,
    inbox: true,
    reply: true,
    profile: true,
    metrics: true,
    title: { bytes: TITLE_BYTES },
    media: {
      maxCount: MAX_IMAGES,
      maxImages: MAX_IMAGES,
      maxVideos: 0,
      types: IMAGE_TYPES,
    },
    metricNames: { engagements: { comments: 'Comments' } },
  },
  create: (context, options) => new WordPressConnector(context, options),
});
