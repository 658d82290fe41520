import { z } from '../../src/plugin-sdk';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** App passwords as Bluesky shows them: four groups of four lowercase letters or digits. */
export const APP_PASSWORD = /^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/;
/** A handle (a domain name, e.g. "acme.bsky.social") or a DID ("did:plc:…"). */
const IDENTIFIER =
  /^(did:[a-z]+:[a-zA-Z0-9._:%-]+|([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z][a-zA-Z0-9-]*)$/;

/** The PDS's root address: https (plain http only to this machine, for a local test PDS), without a path. */
export function isServiceAddress(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  return secure && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
}

/** Options of the Bluesky connector. Error messages never echo the app password. */
export const blueskyOptionsSchema = z.strictObject(
  {
    service: z
      .string()
      .refine(isServiceAddress, {
        error:
          'must be the https:// address of the account’s PDS without a path, e.g. "https://bsky.social" (the default)',
      })
      .default('https://bsky.social')
      .describe('The PDS the account lives on. Default "https://bsky.social" (accounts made on bsky.app).'),
    identifier: z
      .string({ error: 'required: the account’s handle (e.g. "acme.bsky.social") or its DID ("did:plc:…")' })
      .transform((value) => value.trim().replace(/^@/, ''))
      .refine((value) => IDENTIFIER.test(value), {
        error:
          'must be a handle such as "acme.bsky.social" (without spaces) or a DID such as "did:plc:abc123…"',
      })
      .describe('The account’s handle (e.g. "acme.bsky.social") or DID.'),
    appPassword: z
      .string({
        error:
          'required: an app password, e.g. "${env:ACME_BSKY_APP_PASSWORD}" (bsky.app → Settings → Privacy and security → App passwords)',
      })
      .refine((value) => APP_PASSWORD.test(value.trim()), {
        error:
          'must be an app password like "abcd-efgh-ijkl-mnop" (bsky.app → Settings → Privacy and security → App passwords), not the account’s own password',
      })
      .transform((value) => value.trim())
      .describe(
        'An app password of the account (never the account password); use ${env:…} so it stays out of git.',
      ),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the bluesky connector takes service, identifier and appPassword`
        : undefined,
  },
);

export type BlueskyOptions = z.output<typeof blueskyOptionsSchema>;
