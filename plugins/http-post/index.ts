import { defineConnector } from '../../src/plugin-sdk';
import { HttpPostConnector } from './http-post.connector';
import { httpPostOptionsSchema, type HttpPostOptions } from './http-post-options.schema';

/**
 * Publishes posts to an HTTP endpoint as JSON (an intranet, a CMS, a site's build hook): exactly once, through the
 * Idempotency-Key header and a lookup by key. The worked example of docs/plugins.md.
 */
export default defineConnector<HttpPostOptions>({
  kind: 'connector',
  name: 'http-post',
  version: '1.0.0',
  sdk: '^2.0.0',
  description: 'Publishes posts as JSON to an HTTP endpoint, exactly once (Idempotency-Key, lookup by key).',
  options: httpPostOptionsSchema,
  capabilities: {
    publish: true,
    delete: true,
    text: { graphemes: 10_000 },
  },
  create: (context, options) => new HttpPostConnector(context, options),
});
