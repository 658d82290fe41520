import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';

/** Pinterest API v5, production (standard access) and sandbox (trial access may only write there). */
export const PINTEREST_API_URL = 'https://api.pinterest.com/v5';
export const PINTEREST_SANDBOX_API_URL = 'https://api-sandbox.pinterest.com/v5';
/** The consent page (https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/). */
export const PINTEREST_AUTHORIZATION_URL = 'https://www.pinterest.com/oauth/';
/** The token endpoint (code exchange and refresh): always on the production host, also for trial apps. */
export const PINTEREST_TOKEN_URL = 'https://api.pinterest.com/v5/oauth/token';

/** Pinterest ids (boards, sections, pins) are decimal strings. */
export const PINTEREST_ID = /^\d+$/;

const address = (what: string, example: string) =>
  z
    .string()
    .refine(isHttpsOrLoopback, {
      error: `must be an https:// address (plain http only to this machine), e.g. "${example}"`,
    })
    .describe(what);

const id = (what: string, example: string) =>
  z.string().regex(PINTEREST_ID, {
    error: `must be the ${what} id, digits only, e.g. "${example}" (the board's id, not its name or URL: see plugins/pinterest/README.md)`,
  });

/** Options of the Pinterest connector. Error messages never echo a secret. */
export const pinterestOptionsSchema = z
  .strictObject(
    {
      board: id('board', '549755885175').describe(
        'The board pins go to (its id); a post may name another with `extra.board`.',
      ),
      boardSection: id('board section', '5027629787972154693')
        .optional()
        .describe('A section of the board (its id); a post may name another with `extra.boardSection`.'),
      sandbox: z
        .boolean()
        .default(false)
        .describe(
          'Write to the sandbox (https://api-sandbox.pinterest.com/v5): apps with Trial access may only create pins there.',
        ),
      apiUrl: address(
        'The API root, ending in /v5; default from `sandbox`. Tests point it at a fake.',
        PINTEREST_API_URL,
      ).optional(),
      authorizationUrl: address(
        'The consent page; tests point it at a fake.',
        PINTEREST_AUTHORIZATION_URL,
      ).default(PINTEREST_AUTHORIZATION_URL),
      tokenUrl: address('The token endpoint; tests point it at a fake.', PINTEREST_TOKEN_URL).default(
        PINTEREST_TOKEN_URL,
      ),
      clientId: z
        .string()
        .min(1)
        .optional()
        .describe('The app ID (developers.pinterest.com → My apps), e.g. "${env:PINTEREST_APP_ID}".'),
      clientSecret: z
        .string()
        .min(1)
        .optional()
        .describe('The app secret key; write it as "${env:PINTEREST_APP_SECRET}".'),
      accessToken: z
        .string()
        .regex(/^[\x21-\x7e]+$/, {
          error: 'must be the access token as Pinterest shows it: printable characters without spaces',
        })
        .optional()
        .describe(
          'A pasted access token (e.g. a sandbox token from My apps; no OAuth, no renewal); write it as "${env:…}".',
        ),
      images: z
        .enum(['upload', 'url'], { error: 'must be "upload" (base64 in the request) or "url"' })
        .default('upload')
        .describe(
          'How images reach Pinterest: "upload" sends the bytes (base64) with the pin; "url" lets Pinterest fetch them from organisation.publicUrl.',
        ),
      timeoutMs: z
        .number()
        .int()
        .min(100)
        .max(120_000)
        .default(30_000)
        .describe('Milliseconds per API call (a pin with 5 images of 20 MB is a large request).'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the pinterest connector takes board, boardSection, sandbox, apiUrl, authorizationUrl, tokenUrl, clientId, clientSecret, accessToken, images and timeoutMs`
          : undefined,
    },
  )
  .refine((options) => options.accessToken || (options.clientId && options.clientSecret), {
    error:
      'set clientId and clientSecret (to connect with `metronome channels connect`), or accessToken (a pasted token)',
    path: ['clientId'],
  });

export type PinterestOptions = z.output<typeof pinterestOptionsSchema>;

/** The API root in force: `apiUrl`, else the sandbox or production host. */
export function apiRootOf(options: Pick<PinterestOptions, 'apiUrl' | 'sandbox'>): string {
  return (options.apiUrl ?? (options.sandbox ? PINTEREST_SANDBOX_API_URL : PINTEREST_API_URL)).replace(
    /\/$/,
    '',
  );
}
