import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';
import { LINKEDIN_API_URL, LINKEDIN_OAUTH_URL } from './linkedin-version';

/** `urn:li:person:<id>` (a member) or `urn:li:organization:<number>` (a Page). */
export const AUTHOR_URN = /^urn:li:(person:[A-Za-z0-9_-]+|organization:\d+)$/;

const address = (what: string, example: string) =>
  z
    .string()
    .refine(isHttpsOrLoopback, {
      error: `must be an https:// address (plain http only to this machine), e.g. "${example}"`,
    })
    .describe(what);

/** Options of the LinkedIn connector. Error messages never echo a secret. */
export const linkedinOptionsSchema = z
  .strictObject(
    {
      apiUrl: address('The API host; tests point it at a fake.', LINKEDIN_API_URL).default(LINKEDIN_API_URL),
      oauthUrl: address(
        'Where the consent page and the token endpoint live; tests point it at a fake.',
        LINKEDIN_OAUTH_URL,
      ).default(LINKEDIN_OAUTH_URL),
      clientId: z
        .string()
        .min(1)
        .optional()
        .describe(
          'The app\'s Client ID (LinkedIn Developer Portal → your app → Auth), e.g. "${env:LINKEDIN_CLIENT_ID}".',
        ),
      clientSecret: z
        .string()
        .min(1)
        .optional()
        .describe('The app\'s Primary Client Secret; write it as "${env:LINKEDIN_CLIENT_SECRET}".'),
      author: z
        .string()
        .regex(AUTHOR_URN, {
          error: 'must be "urn:li:organization:<number>" (a Page) or "urn:li:person:<id>" (a member)',
        })
        .optional()
        .describe(
          'Who posts: overrides what `metronome channels connect` found (the member, or the first Page they administer).',
        ),
      pages: z
        .boolean()
        .default(true)
        .describe(
          'Ask for the Page scopes (w_organization_social, r_organization_social, rw_organization_admin) when connecting; false for a member profile only.',
        ),
      accessToken: z
        .string()
        .regex(/^[\x21-\x7e]+$/, {
          error: 'must be the access token as LinkedIn shows it: printable characters without spaces',
        })
        .optional()
        .describe(
          'A pasted access token (no OAuth, no renewal: it lasts 60 days); write it as "${env:…}". Needs `author`.',
        ),
      scopes: z
        .array(z.string().min(1))
        .optional()
        .describe(
          'With accessToken: the scopes it was granted (the inbox needs r_organization_social or r_member_social).',
        ),
      visibility: z
        .enum(['PUBLIC', 'CONNECTIONS', 'LOGGED_IN'], { error: 'must be PUBLIC, CONNECTIONS or LOGGED_IN' })
        .default('PUBLIC')
        .describe('Who sees posts; CONNECTIONS only for members.'),
      timeoutMs: z
        .number()
        .int()
        .min(100)
        .max(120_000)
        .default(15_000)
        .describe('Milliseconds per API call.'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the linkedin connector takes apiUrl, oauthUrl, clientId, clientSecret, author, pages, accessToken, scopes, visibility and timeoutMs`
          : undefined,
    },
  )
  .refine((options) => !options.accessToken || options.author, {
    error:
      'with accessToken, also set author ("urn:li:organization:<number>" or "urn:li:person:<id>"): a pasted token does not say whose it is',
    path: ['author'],
  });

export type LinkedInOptions = z.output<typeof linkedinOptionsSchema>;
