import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';

/** The real hosts: the Data API (and its upload path), Google's consent page and token endpoint. */
export const YOUTUBE_API_URL = 'https://www.googleapis.com';
export const GOOGLE_AUTHORIZATION_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** Resumable uploads send chunks in multiples of 256 KiB (all but the last). */
export const CHUNK_GRANULE = 256 * 1024;

const address = (what: string, example: string) =>
  z
    .string()
    .refine(isHttpsOrLoopback, {
      error: `must be an https:// address (plain http only to this machine), e.g. "${example}"`,
    })
    .describe(what);

const OPTION_NAMES =
  'apiUrl, authorizationUrl, tokenUrl, clientId, clientSecret, accessToken, channelId, analytics, privacy, categoryId, madeForKids, chunkBytes, dailyQuotaUnits, uploadsPerDay, insertUnits, inboxPages, timeoutMs and uploadTimeoutMs';

/** Options of the YouTube connector. Error messages never echo a secret. */
export const youtubeOptionsSchema = z
  .strictObject(
    {
      apiUrl: address(
        'The Data API host (also serves uploads); tests point it at a fake.',
        YOUTUBE_API_URL,
      ).default(YOUTUBE_API_URL),
      authorizationUrl: address(
        "Google's consent page; tests point it at a fake.",
        GOOGLE_AUTHORIZATION_URL,
      ).default(GOOGLE_AUTHORIZATION_URL),
      tokenUrl: address("Google's token endpoint; tests point it at a fake.", GOOGLE_TOKEN_URL).default(
        GOOGLE_TOKEN_URL,
      ),
      clientId: z
        .string()
        .optional()
        .describe(
          'The OAuth client ID (Google Cloud console → APIs & Services → Credentials, type "Web application"), e.g. "${env:YOUTUBE_CLIENT_ID}".',
        ),
      clientSecret: z
        .string()
        .optional()
        .describe('The OAuth client secret; write it as "${env:YOUTUBE_CLIENT_SECRET}".'),
      accessToken: z
        .string()
        .regex(/^[\x21-\x7e]+$/, { error: 'must be an access token: printable characters without spaces' })
        .optional()
        .describe(
          'A pasted access token (no OAuth, no renewal: Google tokens last one hour); tests only. Needs channelId.',
        ),
      channelId: z
        .string()
        .regex(/^UC[A-Za-z0-9_-]{22}$/, {
          error: 'must be a channel id: "UC" and 22 letters, digits, "-" or "_"',
        })
        .optional()
        .describe('The channel (found when connecting; needed with accessToken).'),
      analytics: z
        .boolean()
        .default(false)
        .describe(
          'Also ask for yt-analytics.readonly when connecting (reserved for YouTube Analytics reports).',
        ),
      privacy: z
        .enum(['public', 'unlisted', 'private'], { error: 'must be public, unlisted or private' })
        .default('public')
        .describe('Who sees an uploaded video, unless the post sets extra.privacy.'),
      categoryId: z
        .string()
        .regex(/^\d+$/, {
          error: 'must be a YouTube video category id, digits only (22 is "People & Blogs")',
        })
        .default('22')
        .describe('The video category, unless the post sets extra.categoryId.'),
      madeForKids: z
        .boolean()
        .default(false)
        .describe('status.selfDeclaredMadeForKids for every upload, unless the post sets extra.madeForKids.'),
      chunkBytes: z
        .number()
        .int()
        .min(CHUNK_GRANULE)
        .max(1024 * 1024 * 1024)
        .refine((value) => value % CHUNK_GRANULE === 0, {
          error: 'must be a multiple of 262144 (256 KiB), as resumable uploads require',
        })
        .default(8 * 1024 * 1024)
        .describe(
          'Bytes per upload request (a multiple of 256 KiB); an interrupted upload resumes from the last chunk.',
        ),
      dailyQuotaUnits: z
        .number()
        .int()
        .min(1)
        .default(10_000)
        .describe(
          "The project's daily quota in units (Google Cloud console → Quotas); resets at midnight Pacific Time.",
        ),
      uploadsPerDay: z
        .number()
        .int()
        .min(0)
        .default(100)
        .describe(
          "videos.insert calls per Pacific day (the method's own quota bucket since 2025; default 100).",
        ),
      insertUnits: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe(
          'Units a videos.insert takes from dailyQuotaUnits: 0 with its own bucket (current), 1600 for the old model.',
        ),
      inboxPages: z
        .number()
        .int()
        .min(1)
        .max(20)
        .default(3)
        .describe('Pages of 100 comment threads read per inbox poll (1 unit each).'),
      timeoutMs: z
        .number()
        .int()
        .min(100)
        .max(120_000)
        .default(15_000)
        .describe('Milliseconds per API call.'),
      uploadTimeoutMs: z
        .number()
        .int()
        .min(100)
        .max(3_600_000)
        .default(300_000)
        .describe('Milliseconds per upload chunk request.'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the youtube connector takes ${OPTION_NAMES}`
          : undefined,
    },
  )
  .refine((options) => !options.accessToken || options.channelId, {
    error: 'with accessToken, also set channelId ("UC…"): a pasted token does not say whose channel it is',
    path: ['channelId'],
  });

export type YouTubeOptions = z.output<typeof youtubeOptionsSchema>;
