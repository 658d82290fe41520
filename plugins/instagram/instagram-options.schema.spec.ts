import { instagramOptionsSchema } from './instagram-options.schema';

describe('instagram options', () => {
  it('takes OAuth client credentials and fills in the real hosts', () => {
    const parsed = instagramOptionsSchema.parse({ clientId: 'app', clientSecret: 'secret' });
    expect(parsed).toMatchObject({
      apiBaseUrl: 'https://graph.instagram.com',
      authBaseUrl: 'https://www.instagram.com',
      tokenBaseUrl: 'https://api.instagram.com',
      mediaUrlLifetimeMs: 86_400_000,
    });
  });

  it('takes a static token instead of OAuth', () => {
    expect(
      instagramOptionsSchema.safeParse({ accessToken: 'IGAAabc', userId: '17841400000000001' }).success,
    ).toBe(true);
  });

  it('refuses a channel with neither OAuth client nor token, naming both ways', () => {
    const result = instagramOptionsSchema.safeParse({ clientId: 'app' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toMatch(/clientId and clientSecret.*or a static accessToken/);
  });

  it('refuses an unknown option, a non-numeric account id and an http host that is not this machine', () => {
    const problems = (value: unknown) =>
      instagramOptionsSchema.safeParse(value).error?.issues.map((issue) => issue.message) ?? [];
    expect(problems({ accessToken: 'IGAAabc', pageId: '1' }).join()).toMatch(/unknown option "pageId"/);
    expect(problems({ accessToken: 'IGAAabc', userId: 'acme' }).join()).toMatch(
      /numeric Instagram professional account id/,
    );
    expect(problems({ accessToken: 'IGAAabc', apiBaseUrl: 'http://graph.example.com' }).join()).toMatch(
      /https:\/\//,
    );
  });

  it('never echoes a malformed token in its message', () => {
    const messages = instagramOptionsSchema
      .safeParse({ accessToken: 'secret with spaces' })
      .error?.issues.map((issue) => issue.message);
    expect(messages?.join()).not.toContain('secret with spaces');
  });
});
