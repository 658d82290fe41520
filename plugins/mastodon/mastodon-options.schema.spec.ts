import { mastodonOptionsSchema } from './mastodon-options.schema';

function problems(input: unknown): string[] {
  const result = mastodonOptionsSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('mastodon options', () => {
  const token = 'abcDEF123_-secret';

  it('takes an https server (or http on this machine), a token, and optional visibility and language', () => {
    expect(problems({ instance: 'https://mastodon.social', accessToken: token })).toEqual([]);
    expect(
      problems({ instance: 'https://mastodon.social/', accessToken: token, visibility: 'unlisted' }),
    ).toEqual([]);
    expect(problems({ instance: 'http://127.0.0.1:4000', accessToken: token, language: 'pt-BR' })).toEqual(
      [],
    );
  });

  it('explains what is wrong, without echoing the token', () => {
    const found = problems({
      instance: 'http://mastodon.social/api',
      accessToken: 'has space',
      visibility: 'followers',
      language: 'English',
      token,
    });

    expect(found).toEqual([
      'instance: must be the https:// address of the Mastodon server without a path, e.g. "https://mastodon.social"',
      'accessToken: must be the access token as shown by Mastodon: printable characters without spaces',
      'visibility: must be one of public, unlisted, private, direct',
      'language: must be an ISO 639 language code such as "en", "de" or "pt-BR"',
      ': unknown option "token": the mastodon connector takes instance, accessToken, visibility and language',
    ]);
    expect(found.join('\n')).not.toContain(token);
    expect(problems({})).toEqual([
      'instance: required: the address of the Mastodon server, e.g. "https://mastodon.social"',
      'accessToken: required: an access token with the read and write scopes, e.g. "${env:ACME_MASTODON_TOKEN}" (Preferences → Development → New application)',
    ]);
  });
});
