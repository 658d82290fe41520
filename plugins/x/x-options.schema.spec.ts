import { xOptionsSchema } from './x-options.schema';

describe('x options', () => {
  it('completes OAuth options with X’s addresses', () => {
    const parsed = xOptionsSchema.parse({ clientId: 'id', clientSecret: 'secret' });
    expect(parsed).toMatchObject({
      apiUrl: 'https://api.x.com',
      authorizeUrl: 'https://x.com/i/oauth2/authorize',
      timeoutMs: 15_000,
      processingWaitMs: 30_000,
    });
  });

  it('takes a pasted token instead', () => {
    expect(xOptionsSchema.safeParse({ accessToken: 'abc', userId: '2244994945' }).success).toBe(true);
  });

  it('refuses what it cannot use, without echoing secrets', () => {
    const none = xOptionsSchema.safeParse({});
    expect(none.success).toBe(false);
    expect(JSON.stringify(none.error?.issues)).toContain('clientId and clientSecret');
    const unknown = xOptionsSchema.safeParse({ clientId: 'a', clientSecret: 'b', handle: 'x' });
    expect(unknown.error?.issues[0].message).toContain('unknown option "handle"');
    expect(xOptionsSchema.safeParse({ accessToken: 'has space' }).success).toBe(false);
    expect(
      xOptionsSchema.safeParse({ clientId: 'a', clientSecret: 'b', apiUrl: 'http://api.x.com' }).success,
    ).toBe(false);
    const bad = xOptionsSchema.safeParse({ accessToken: 'tok', userId: '@acme' });
    expect(bad.error?.issues[0].message).toContain('numeric user id');
    expect(
      JSON.stringify(xOptionsSchema.safeParse({ accessToken: 'secret token!' }).error?.issues),
    ).not.toContain('secret token!');
  });
});
