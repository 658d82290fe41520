import { z } from '../../src/plugin-sdk';

export const VISIBILITIES = ['public', 'unlisted', 'private', 'direct'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The server's root address: https (plain http only to this machine, for local test servers), no path,
 * query or credentials. Mastodon always serves its API from the root of its domain.
 */
export function isServerAddress(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  return secure && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
}

/** ISO 639 codes Mastodon accepts: two or three letters, optionally with a region (`pt-BR`, `zh-TW`). */
export const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** Options of the Mastodon connector. Error messages never echo the token. */
export const mastodonOptionsSchema = z.strictObject(
  {
    instance: z
      .string({ error: 'required: the address of the Mastodon server, e.g. "https://mastodon.social"' })
      .refine(isServerAddress, {
        error:
          'must be the https:// address of the Mastodon server without a path, e.g. "https://mastodon.social"',
      })
      .describe('The server the account lives on, e.g. "https://mastodon.social".'),
    accessToken: z
      .string({
        error:
          'required: an access token with the read and write scopes, e.g. "${env:ACME_MASTODON_TOKEN}" (Preferences → Development → New application)',
      })
      .regex(/^[\x21-\x7e]+$/, {
        error: 'must be the access token as shown by Mastodon: printable characters without spaces',
      })
      .describe(
        'Access token of an application on the account (Preferences → Development) with the scopes read and write.',
      ),
    visibility: z
      .enum(VISIBILITIES, { error: `must be one of ${VISIBILITIES.join(', ')}` })
      .optional()
      .describe(
        'Default visibility of posts; a post can set its own with extra.visibility. Unset: the account’s default.',
      ),
    language: z
      .string()
      .regex(LANGUAGE, { error: 'must be an ISO 639 language code such as "en", "de" or "pt-BR"' })
      .optional()
      .describe('Default language of posts (ISO 639); a post can set its own with extra.language.'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}: the mastodon connector takes instance, accessToken, visibility and language`
        : undefined,
  },
);

export type MastodonOptions = z.output<typeof mastodonOptionsSchema>;
