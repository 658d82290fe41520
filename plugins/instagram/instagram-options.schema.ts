import { z } from '../../src/plugin-sdk';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or plain http to this machine (the contract fake in tests); no path, query or credentials. */
function isRootAddress(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  return secure && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
}

const rootAddress = (example: string) =>
  z.string().refine(isRootAddress, {
    error: `must be an https:// address without a path, e.g. "${example}"`,
  });

/** Options of the Instagram connector (Instagram API with Instagram Login). Messages never echo a secret. */
export const instagramOptionsSchema = z
  .strictObject(
    {
      apiBaseUrl: rootAddress('https://graph.instagram.com')
        .default('https://graph.instagram.com')
        .describe('The Graph host; tests point it at the contract fake.'),
      authBaseUrl: rootAddress('https://www.instagram.com')
        .default('https://www.instagram.com')
        .describe('Where the consent page lives (/oauth/authorize).'),
      tokenBaseUrl: rootAddress('https://api.instagram.com')
        .default('https://api.instagram.com')
        .describe('Where the authorization code is exchanged (/oauth/access_token).'),
      clientId: z
        .string()
        .min(1)
        .optional()
        .describe(
          'The Instagram app id (App Dashboard → Instagram → API setup with Instagram login), "${env:…}".',
        ),
      clientSecret: z
        .string()
        .min(1)
        .optional()
        .describe('The Instagram app secret, written "${env:…}" or "${file:…}".'),
      userId: z
        .string()
        .regex(/^\d+$/, {
          error: 'must be the numeric Instagram professional account id, e.g. "17841400000000000"',
        })
        .optional()
        .describe(
          'The Instagram professional account to publish to; overrides the one found while connecting.',
        ),
      accessToken: z
        .string()
        .regex(/^[\x21-\x7e]+$/, {
          error: 'must be the access token as Meta shows it: printable characters, no spaces',
        })
        .optional()
        .describe(
          'A long-lived token pasted by hand ("${env:…}"): no OAuth, no renewal; replace it before its 60 days run out.',
        ),
      mediaUrlLifetimeMs: z
        .number()
        .int()
        .min(600_000)
        .max(7 * 86_400_000)
        .default(24 * 3_600_000)
        .describe('How long the media links Instagram fetches stay valid (a container lives 24 hours).'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the instagram connector takes apiBaseUrl, authBaseUrl, tokenBaseUrl, clientId, clientSecret, userId, accessToken and mediaUrlLifetimeMs`
          : undefined,
    },
  )
  .refine(
    // Presence, not truthiness: `validate --without-secrets` reads an unset ${env:…} as "" and must not fail on it.
    (options) =>
      options.accessToken !== undefined ||
      (options.clientId !== undefined && options.clientSecret !== undefined),
    {
      error:
        'the instagram connector needs clientId and clientSecret (OAuth: `metronome channels connect`) or a static accessToken',
    },
  );

export type InstagramOptions = z.output<typeof instagramOptionsSchema>;
