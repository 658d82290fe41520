import { isHttpsOrLoopback, z } from '../../src/plugin-sdk';

/** Options of the http-post connector. Error messages never echo the token. */
export const httpPostOptionsSchema = z.strictObject(
  {
    endpoint: z
      .string({ error: 'required: the address of the endpoint, e.g. "https://cms.example.com/api"' })
      .refine(isHttpsOrLoopback, {
        error:
          'must be an https:// address (plain http only to this machine), e.g. "https://cms.example.com/api"',
      })
      .describe(
        'The endpoint posts are sent to: POST <endpoint>/posts, GET <endpoint>/posts?idempotencyKey=…',
      ),
    token: z
      .string()
      .regex(/^[\x21-\x7e]+$/, { error: 'must be printable characters without spaces' })
      .optional()
      .describe('Sent as "Authorization: Bearer <token>"; write it as "${env:…}" or "${file:…}".'),
    timeoutMs: z
      .number()
      .int()
      .min(100, { error: 'must be at least 100 (milliseconds)' })
      .max(120_000, { error: 'must be at most 120000 (two minutes)' })
      .default(15_000)
      .describe('Milliseconds to wait for an answer to one request.'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the http-post connector takes endpoint, token and timeoutMs`
        : undefined,
  },
);

export type HttpPostOptions = z.output<typeof httpPostOptionsSchema>;
