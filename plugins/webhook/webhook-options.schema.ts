import { webhookSecretSchema, z } from '../../src/plugin-sdk';

/** Headers Metronome sets itself: a configured header may not replace them. */
const RESERVED_HEADERS = [
  'content-type',
  'content-length',
  'host',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
];

/** Options of the webhook notifier. Messages never echo the secret or the URL. */
export const webhookOptionsSchema = z.strictObject(
  {
    url: z
      .string({ error: 'required: the receiver’s URL, e.g. "https://ops.example.com/hooks/metronome"' })
      .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
        error: 'must be an http:// or https:// URL such as "https://ops.example.com/hooks/metronome"',
      })
      .describe('Where to POST the JSON envelope; https unless the receiver is on a trusted network.'),
    secret: webhookSecretSchema,
    headers: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: 'header names are letters, digits and -' }),
        z.string({ error: 'header values must be text' }),
        { error: 'must be a map of header name to value, e.g. { Authorization: "Bearer ${env:OPS_TOKEN}" }' },
      )
      .refine(
        (headers) => !Object.keys(headers).some((name) => RESERVED_HEADERS.includes(name.toLowerCase())),
        {
          error: `must not set ${RESERVED_HEADERS.join(', ')}: Metronome sets those itself`,
        },
      )
      .optional()
      .describe('Extra HTTP headers sent with every request (e.g. an Authorization header).'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the webhook notifier takes url, secret and headers`
        : undefined,
  },
);

export type WebhookOptions = z.output<typeof webhookOptionsSchema>;
