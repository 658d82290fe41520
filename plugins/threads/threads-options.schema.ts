import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';
import { THREADS_API_BASE_URL, THREADS_AUTHORIZATION_URL } from './threads-version';

const address = (example: string) =>
  z.string().refine(isHttpsOrLoopback, {
    error: `must be an https:// address (plain http only to this machine), e.g. "${example}"`,
  });

/** Options of the Threads connector. Error messages never echo a secret. */
export const threadsOptionsSchema = z
  .strictObject(
    {
      apiBaseUrl: address(THREADS_API_BASE_URL)
        .default(THREADS_API_BASE_URL)
        .describe('The Threads Graph host; tests point it at a fake.'),
      authorizationUrl: address(THREADS_AUTHORIZATION_URL)
        .default(THREADS_AUTHORIZATION_URL)
        .describe('The consent page of the OAuth flow; tests point it at a fake.'),
      clientId: z
        .string()
        .min(1)
        .optional()
        .describe('The Threads app id (App Dashboard → Use cases → Threads API → Settings), "${env:…}".'),
      clientSecret: z
        .string()
        .min(1)
        .optional()
        .describe('The Threads app secret, written "${env:…}" or "${file:…}".'),
      userId: z
        .string()
        .regex(/^\d+$/, { error: 'must be the numeric Threads user id, e.g. "17841400000000000"' })
        .optional()
        .describe(
          'The Threads user id to publish as; default: the account found when the channel was connected.',
        ),
      accessToken: z
        .string()
        .regex(/^[\x21-\x7e]+$/, { error: 'must be printable characters without spaces' })
        .optional()
        .describe(
          'A long-lived Threads user token pasted by hand ("${env:…}"): then no OAuth and no renewal (it expires after 60 days).',
        ),
      timeoutMs: z
        .number()
        .int()
        .min(100, { error: 'must be at least 100 (milliseconds)' })
        .max(120_000, { error: 'must be at most 120000 (two minutes)' })
        .default(15_000)
        .describe('Milliseconds to wait for one answer.'),
      inboxLookbackDays: z
        .number()
        .int()
        .min(1)
        .max(30)
        .default(7)
        .describe('Replies are read under the account’s posts of this many last days.'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the threads connector takes apiBaseUrl, authorizationUrl, clientId, clientSecret, userId, accessToken, timeoutMs and inboxLookbackDays`
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
        'give either clientId and clientSecret (then connect the channel with `metronome channels connect <brand>/<channel>`) or a long-lived accessToken',
    },
  );

export type ThreadsOptions = z.output<typeof threadsOptionsSchema>;
