import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';

export const X_API_URL = 'https://api.x.com';
export const X_AUTHORIZE_URL = 'https://x.com/i/oauth2/authorize';

const address = (what: string, example: string) =>
  z
    .string()
    .refine(isHttpsOrLoopback, {
      error: `must be an https:// address (plain http only to this machine), e.g. "${example}"`,
    })
    .describe(what);

/** Options of the X connector. Error messages never echo a secret. */
export const xOptionsSchema = z
  .strictObject(
    {
      apiUrl: address(
        'The API host (also serves the token endpoint /2/oauth2/token); tests point it at a fake.',
        X_API_URL,
      ).default(X_API_URL),
      authorizeUrl: address('The consent page; tests point it at a fake.', X_AUTHORIZE_URL).default(
        X_AUTHORIZE_URL,
      ),
      clientId: z
        .string()
        .min(1)
        .optional()
        .describe(
          'The app\'s OAuth 2.0 Client ID (developer.x.com → your app → Keys and tokens), e.g. "${env:X_CLIENT_ID}".',
        ),
      clientSecret: z
        .string()
        .min(1)
        .optional()
        .describe('The app\'s OAuth 2.0 Client Secret; write it as "${env:X_CLIENT_SECRET}".'),
      accessToken: z
        .string()
        .regex(/^[\x21-\x7e]+$/, {
          error: 'must be an OAuth 2.0 user access token as X issues it: printable characters without spaces',
        })
        .optional()
        .describe(
          'A pasted OAuth 2.0 user access token (no renewal: X access tokens last 2 hours); write it as "${env:…}". For tests and short runs.',
        ),
      userId: z
        .string()
        .regex(/^[0-9]{1,19}$/, { error: 'must be the account\'s numeric user id, e.g. "2244994945"' })
        .optional()
        .describe("The account's numeric id; found from the token (GET /2/users/me) when left out."),
      processingWaitMs: z
        .number()
        .int()
        .min(0)
        .max(120_000)
        .default(30_000)
        .describe(
          'How long one publish waits for X to process an uploaded video or GIF before leaving it for the next attempt.',
        ),
      timeoutMs: z
        .number()
        .int()
        .min(100)
        .max(120_000)
        .default(15_000)
        .describe('Milliseconds per API call (media chunks get at least 60 s).'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the x connector takes apiUrl, authorizeUrl, clientId, clientSecret, accessToken, userId, processingWaitMs and timeoutMs`
          : undefined,
    },
  )
  .refine((options) => options.accessToken || (options.clientId && options.clientSecret), {
    error:
      'set clientId and clientSecret (written as "${env:…}") to connect the channel with `metronome channels connect`, or a pasted accessToken',
    path: ['clientId'],
  });

export type XOptions = z.output<typeof xOptionsSchema>;
