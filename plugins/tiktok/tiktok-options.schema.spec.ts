import { tiktokExtraSchema, tiktokOptionsSchema } from './tiktok-options.schema';

const parse = (options: unknown) => tiktokOptionsSchema.safeParse(options);

describe('tiktok options', () => {
  it('defaults to TikTok’s hosts, an unaudited app, FILE_UPLOAD and 6 inits a minute', () => {
    const parsed = parse({ clientKey: 'awkey', clientSecret: 'secret' });
    expect(parsed.success && parsed.data).toMatchObject({
      apiBaseUrl: 'https://open.tiktokapis.com',
      authorizationUrl: 'https://www.tiktok.com/v2/auth/authorize/',
      audited: false,
      source: 'FILE_UPLOAD',
      chunkBytes: 10 * 1024 * 1024,
      initsPerMinute: 6,
    });
    expect(parse({ accessToken: 'act.abc' }).success).toBe(true);
    expect(parse({ clientKey: 'awkey' }).error?.issues[0].message).toContain(
      'give either clientKey and clientSecret',
    );
  });

  it('refuses chunk sizes TikTok refuses, unknown privacy, plain http elsewhere and unknown options without echoing secrets', () => {
    expect(parse({ accessToken: 't', chunkBytes: 1024 }).error?.issues[0].message).toContain('5 MB');
    expect(parse({ accessToken: 't', privacy: 'PUBLIC' }).error?.issues[0].message).toContain('SELF_ONLY');
    expect(
      parse({ accessToken: 't', apiBaseUrl: 'http://open.tiktokapis.com' }).error?.issues[0].message,
    ).toContain('https://');
    const unknown = parse({ accessToken: 'secret-token value', clientId: 'x' });
    expect(JSON.stringify(unknown.error?.issues)).not.toContain('secret-token');
    expect(unknown.error?.issues.map((issue) => issue.message).join(' ')).toContain(
      'unknown option "clientId"',
    );
  });

  it('checks per-post extra settings', () => {
    expect(
      tiktokExtraSchema.safeParse({ privacy: 'SELF_ONLY', disableComment: true, coverTimestampMs: 0 })
        .success,
    ).toBe(true);
    expect(tiktokExtraSchema.safeParse({ coverTimestampMs: -1 }).error?.issues[0].message).toContain(
      '0 or more',
    );
    expect(tiktokExtraSchema.safeParse({ disableDuet: 'yes' }).error?.issues[0].message).toContain(
      'true or false',
    );
  });
});
