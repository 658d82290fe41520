import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';
import { TIKTOK_API_BASE_URL, TIKTOK_AUTHORIZATION_URL } from './tiktok-version';

const address = (example: string) =>
  z.string().refine(isHttpsOrLoopback, {
    error: `must be an https:// address (plain http only to this machine), e.g. "${example}"`,
  });

/** The privacy levels of TikTok's post_info.privacy_level. */
export const PRIVACY_LEVELS = [
  'PUBLIC_TO_EVERYONE',
  'MUTUAL_FOLLOW_FRIENDS',
  'FOLLOWER_OF_CREATOR',
  'SELF_ONLY',
] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

const MB = 1024 * 1024;

/** Options of the TikTok connector. Error messages never echo a secret. */
export const tiktokOptionsSchema = z
  .strictObject(
    {
      apiBaseUrl: address(TIKTOK_API_BASE_URL)
        .default(TIKTOK_API_BASE_URL)
        .describe('TikTok’s Open API host (also the token endpoint’s); tests point it at a fake.'),
      authorizationUrl: address(TIKTOK_AUTHORIZATION_URL)
        .default(TIKTOK_AUTHORIZATION_URL)
        .describe('Login Kit’s consent page; tests point it at a fake.'),
      clientKey: z
        .string()
        .min(1)
        .optional()
        .describe('The app’s Client key (developers.tiktok.com → Manage apps), written "${env:…}".'),
      clientSecret: z
        .string()
        .min(1)
        .optional()
        .describe('The app’s Client secret, written "${env:…}" or "${file:…}".'),
      accessToken: z
        .string()
        .regex(/^[\x21-\x7e]+$/, { error: 'must be printable characters without spaces' })
        .optional()
        .describe(
          'A user access token pasted by hand ("${env:…}"): no OAuth and no renewal (TikTok’s tokens last 24 hours, so only for tests).',
        ),
      audited: z
        .boolean()
        .default(false)
        .describe(
          'Whether TikTok has audited the app for Direct Post. Unaudited apps may only post SELF_ONLY (private) videos, to private accounts: then every post defaults to SELF_ONLY.',
        ),
      privacy: z
        .enum(PRIVACY_LEVELS, {
          error: `must be one of ${PRIVACY_LEVELS.join(', ')}`,
        })
        .optional()
        .describe(
          'The privacy level of every post unless its extra.privacy says otherwise. Audited apps must set one (TikTok forbids a silent default); unaudited apps default to SELF_ONLY.',
        ),
      source: z
        .enum(['FILE_UPLOAD', 'PULL_FROM_URL'], { error: 'must be FILE_UPLOAD or PULL_FROM_URL' })
        .default('FILE_UPLOAD')
        .describe(
          'How TikTok gets the video: FILE_UPLOAD (Metronome uploads it in chunks; default) or PULL_FROM_URL (TikTok fetches it from organisation.publicUrl, whose domain must be verified in the app’s settings).',
        ),
      chunkBytes: z
        .number()
        .int()
        .min(5 * MB, { error: 'must be at least 5242880 (5 MB, TikTok’s smallest chunk)' })
        .max(64 * MB, { error: 'must be at most 67108864 (64 MB, TikTok’s largest chunk)' })
        .default(10 * MB)
        .describe('Bytes per uploaded chunk (FILE_UPLOAD), 5–64 MB; videos under 5 MB go in one piece.'),
      initsPerMinute: z
        .number()
        .int()
        .min(1)
        .max(1_000)
        .default(6)
        .describe(
          'Posting requests per minute per account: TikTok allows 6 per user token. Only tests against a fake raise it.',
        ),
      statusCheckAfterMs: z
        .number()
        .int()
        .min(100)
        .max(600_000)
        .default(30_000)
        .describe('Milliseconds between questions about a post TikTok is still processing.'),
      timeoutMs: z
        .number()
        .int()
        .min(100, { error: 'must be at least 100 (milliseconds)' })
        .max(120_000, { error: 'must be at most 120000 (two minutes)' })
        .default(15_000)
        .describe('Milliseconds to wait for one answer of the API.'),
      uploadTimeoutMs: z
        .number()
        .int()
        .min(100)
        .max(600_000)
        .default(120_000)
        .describe('Milliseconds to wait for one uploaded chunk’s answer.'),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the tiktok connector takes apiBaseUrl, authorizationUrl, clientKey, clientSecret, accessToken, audited, privacy, source, chunkBytes, initsPerMinute, statusCheckAfterMs, timeoutMs and uploadTimeoutMs`
          : undefined,
    },
  )
  .refine(
    // Presence, not truthiness: `validate --without-secrets` reads an unset ${env:…} as "".
    (options) =>
      options.accessToken !== undefined ||
      (options.clientKey !== undefined && options.clientSecret !== undefined),
    {
      error:
        'give either clientKey and clientSecret (then connect the channel with `metronome channels connect <brand>/<channel>`) or an accessToken',
    },
  );

export type TikTokOptions = z.output<typeof tiktokOptionsSchema>;

/** Per-post settings (`overrides.<channel>.extra`). */
export const tiktokExtraSchema = z.looseObject({
  privacy: z
    .enum(PRIVACY_LEVELS, { error: `extra.privacy must be one of ${PRIVACY_LEVELS.join(', ')}` })
    .optional(),
  disableComment: z.boolean({ error: 'extra.disableComment must be true or false' }).optional(),
  disableDuet: z.boolean({ error: 'extra.disableDuet must be true or false' }).optional(),
  disableStitch: z.boolean({ error: 'extra.disableStitch must be true or false' }).optional(),
  coverTimestampMs: z
    .number({ error: 'extra.coverTimestampMs must be a number of milliseconds' })
    .int({ error: 'extra.coverTimestampMs must be a whole number of milliseconds' })
    .min(0, { error: 'extra.coverTimestampMs must be 0 or more' })
    .optional(),
});

export type TikTokExtra = z.output<typeof tiktokExtraSchema>;
