import { z } from 'zod';
import { durationSchema } from './primitives.schema';

export const oidcSchema = z
  .strictObject({
    issuer: z.url().meta({
      description:
        'The identity provider’s issuer URL (its /.well-known/openid-configuration is read from there).',
    }),
    clientId: z.string().min(1),
    clientSecret: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Use ${env:…} or ${file:…}; left out for a public client (PKCE only).' }),
    label: z
      .string()
      .min(1)
      .default('Sign in with your organisation')
      .meta({ description: 'The sign-in button’s text.' }),
    scopes: z.array(z.string().min(1)).default(['openid', 'email', 'profile']),
  })
  .meta({
    description:
      'Sign-in through the organisation’s OpenID Connect provider: a person signs in when the verified e-mail it returns is theirs under `people`.',
  });

export type OidcConfig = z.output<typeof oidcSchema>;

export const webSchema = z
  .strictObject({
    secureCookies: z.boolean().optional().meta({
      description:
        'Mark the session cookie Secure (sent over HTTPS only). Default: true when organisation.publicUrl is https://, else false (a local http://localhost setup). Set true when TLS ends at a proxy and no publicUrl is set.',
    }),
    sessionIdle: durationSchema
      .prefault('12h')
      .meta({ description: 'A session without a request for this long ends.' }),
    sessionLifetime: durationSchema
      .prefault('14d')
      .meta({ description: 'A session ends this long after sign-in, however active.' }),
    signInLinkLifetime: durationSchema
      .prefault('15m')
      .meta({ description: 'How long an e-mailed sign-in link works (once).' }),
    commitContentEdits: z.boolean().default(false).meta({
      description:
        'When a brand’s content folder is a git work tree, commit each edit made in the browser as the person who made it. Off: the page says the change is uncommitted.',
    }),
    oidc: oidcSchema.optional(),
  })
  .prefault({})
  .meta({ description: 'The web app served at / by the api role: sign-in, sessions, content edits.' });

export type WebConfig = z.output<typeof webSchema>;

/** Whether the session cookie is Secure: as configured, else when the public URL is https. */
export function secureCookiesOf(config: {
  web: WebConfig;
  organisation: { publicUrl?: string | undefined };
}): boolean {
  return config.web.secureCookies ?? config.organisation.publicUrl?.startsWith('https://') ?? false;
}
