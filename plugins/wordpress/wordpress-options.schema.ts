import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';

const address = (what: string, example: string) =>
  z
    .string()
    .refine(isHttpsOrLoopback, {
      error: `must be an https:// address (plain http only to this machine), e.g. "${example}"`,
    })
    .describe(what);

/** Options of the WordPress connector. Error messages never echo a secret. */
export const wordpressOptionsSchema = z.strictObject({
  siteUrl: address(
    'The site\'s address, as in Settings → General → "Site Address (URL)".',
    'https://blog.example.com',
  ),
  restBase: address(
    'The REST API root; found from the site\'s <link rel="https://api.w.org/"> when left out. "https://blog.example.com/wp-json/" with pretty permalinks, "https://blog.example.com/?rest_route=/" without.',
    'https://blog.example.com/wp-json/',
  ).optional(),
  username: z
    .string()
    .min(1, { error: 'must be the WordPress login of an Author, Editor or Administrator' })
    .describe('The WordPress login the posts are published as (an Author or above).'),
  applicationPassword: z
    .string()
    .min(1, { error: 'must be an application password, written as "${env:WP_APP_PASSWORD}"' })
    .describe(
      'An application password of that user (Users → Profile → Application Passwords); write it as "${env:WP_APP_PASSWORD}".',
    ),
  html: z
    .boolean()
    .default(false)
    .describe(
      'true: the text is trusted HTML and goes to WordPress as written. false (default): the text is Markdown-like plain text, escaped, with paragraphs, line breaks, links, **bold** and *italics*.',
    ),
  createTags: z
    .boolean()
    .default(true)
    .describe(
      'Create the tags a post names that the site does not have yet (false: refuse the post instead).',
    ),
  forceDelete: z
    .boolean()
    .default(false)
    .describe('delete removes a post for good (force=true) instead of moving it to the trash.'),
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000).describe('Per request, in milliseconds.'),
});

export type WordPressOptions = z.infer<typeof wordpressOptionsSchema>;

/** Per-post settings (`overrides.<channel>.extra` in the content file). */
export const wordpressExtraSchema = z.object({
  excerpt: z.string().optional(),
  categories: z.array(z.string().min(1)).optional(),
  tags: z.array(z.string().min(1)).optional(),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
      error: 'must be lowercase letters, digits and dashes, e.g. "winter-blend"',
    })
    .max(180)
    .optional(),
  publishAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with its zone' }).optional(),
});

export type WordPressExtra = z.infer<typeof wordpressExtraSchema>;
