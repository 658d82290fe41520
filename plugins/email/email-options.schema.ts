import { z } from '../../src/plugin-sdk';

/** "Name <address@host>" or a bare address: what a From header may hold. */
const FROM = /^(?:[^<>]*<\s*[^\s@<>]+@[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+)$/;

/** YAML numbers arrive as numbers, values from ${env:…} as text: both are accepted for the port. */
const portSchema = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)], {
    error: 'must be a port number such as 587 (STARTTLS) or 465 (TLS)',
  })
  .pipe(z.number().int().min(1).max(65535, { error: 'must be a port number between 1 and 65535' }));

/** Options of the email notifier. Messages never echo the password. */
export const emailOptionsSchema = z
  .strictObject(
    {
      host: z
        .string({ error: 'required: the SMTP server’s host name, e.g. "smtp.example.com"' })
        .min(1, { error: 'must not be empty: the SMTP server’s host name, e.g. "smtp.example.com"' })
        .describe('SMTP server host name.'),
      port: portSchema.default(587).describe('SMTP port: 587 (STARTTLS, the default) or 465 (TLS).'),
      secure: z
        .boolean({
          error: 'must be true (TLS from the start, port 465) or false (STARTTLS, ports 587 and 25)',
        })
        .optional()
        .describe('true for TLS from the first byte (port 465); defaults to true only on port 465.'),
      user: z
        .string({ error: 'must be text: the SMTP login name' })
        .min(1)
        .optional()
        .describe('SMTP login.'),
      password: z
        .string({ error: 'must be text: write it as "${env:SMTP_PASSWORD}"' })
        .min(1)
        .optional()
        .describe('SMTP password; a secret, so write it as "${env:SMTP_PASSWORD}".'),
      from: z
        .string({ error: 'required: the sender, e.g. "Metronome <metronome@example.com>"' })
        .regex(FROM, {
          error: 'must be an address such as "Metronome <metronome@example.com>" or "ops@example.com"',
        })
        .describe('Sender address, e.g. "Metronome <metronome@example.com>".'),
      tls: z
        .strictObject(
          {
            rejectUnauthorized: z
              .boolean({ error: 'must be true or false' })
              .default(true)
              .describe('false accepts self-signed certificates: only for servers on a trusted network.'),
          },
          { error: 'must be { rejectUnauthorized: true|false }' },
        )
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: ` +
            'the email notifier takes host, port, secure, user, password, from and tls'
          : undefined,
    },
  )
  .refine((options) => (options.user === undefined) === (options.password === undefined), {
    error:
      'user and password go together: set both for a server that needs a login, or neither for an open relay',
    path: ['password'],
  });

export type EmailOptions = z.output<typeof emailOptionsSchema>;
