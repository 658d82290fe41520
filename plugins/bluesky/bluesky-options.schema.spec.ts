import { blueskyOptionsSchema } from './bluesky-options.schema';

function problems(input: unknown): string[] {
  const result = blueskyOptionsSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('bluesky options', () => {
  const appPassword = 'abcd-efgh-2345-wxyz';

  it('takes a handle or DID and an app password, with bsky.social as the default service', () => {
    expect(blueskyOptionsSchema.parse({ identifier: '@acme.bsky.social', appPassword })).toEqual({
      service: 'https://bsky.social',
      identifier: 'acme.bsky.social',
      appPassword,
    });
    expect(problems({ service: 'http://localhost:2583', identifier: 'did:plc:abc123', appPassword })).toEqual(
      [],
    );
  });

  it('refuses an account password, naming where app passwords are made, without echoing it', () => {
    const issues = problems({ identifier: 'acme.bsky.social', appPassword: 'hunter2-secret' });
    expect(issues).toEqual([
      expect.stringMatching(
        /^appPassword: must be an app password like "abcd-efgh-ijkl-mnop".*App passwords/,
      ),
    ]);
    expect(issues.join()).not.toContain('hunter2');
  });

  it('refuses a service that is not a PDS root address, a bad identifier, and unknown options', () => {
    expect(
      problems({
        service: 'http://bsky.social/xrpc',
        identifier: 'acme bsky',
        appPassword,
        password: 'x',
      }),
    ).toEqual([
      expect.stringMatching(/^service: must be the https:\/\/ address/),
      expect.stringMatching(/^identifier: must be a handle/),
      expect.stringMatching(/unknown option "password".*service, identifier and appPassword/),
    ]);
    expect(problems({ appPassword })).toEqual([expect.stringMatching(/^identifier: required/)]);
  });
});
