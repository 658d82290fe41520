import { threadsOptionsSchema } from './threads-options.schema';

const parse = (options: unknown) => threadsOptionsSchema.safeParse(options);

describe('threads options', () => {
  it('defaults to the real hosts and needs either OAuth client credentials or a pasted token', () => {
    const oauth = parse({ clientId: '990602627938098', clientSecret: 'secret' });
    expect(oauth.success && oauth.data).toMatchObject({
      apiBaseUrl: 'https://graph.threads.net',
      authorizationUrl: 'https://threads.net/oauth/authorize',
      timeoutMs: 15_000,
      inboxLookbackDays: 7,
    });
    expect(parse({ accessToken: 'THLLabc' }).success).toBe(true);
    const neither = parse({ clientId: '990602627938098' });
    expect(neither.success).toBe(false);
    expect(neither.error?.issues[0].message).toContain('give either clientId and clientSecret');
  });

  it('refuses plain http to another host, a non-numeric user id and unknown options, without echoing secrets', () => {
    expect(
      parse({ accessToken: 't', apiBaseUrl: 'http://graph.threads.net' }).error?.issues[0].message,
    ).toContain('must be an https:// address');
    expect(parse({ accessToken: 't', apiBaseUrl: 'http://127.0.0.1:4000' }).success).toBe(true);
    expect(parse({ accessToken: 't', userId: '@acme' }).error?.issues[0].message).toContain(
      'numeric Threads user id',
    );
    const unknown = parse({ accessToken: 'secret-token value', pageId: '1' });
    expect(JSON.stringify(unknown.error?.issues)).not.toContain('secret-token');
    expect(unknown.error?.issues.map((issue) => issue.message).join(' ')).toContain(
      'unknown option "pageId"',
    );
  });
});
