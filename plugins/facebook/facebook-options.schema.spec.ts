import { AuthenticationError } from '../../src/plugin-sdk';
import { choosePage, FACEBOOK_SCOPES, facebookOAuth } from './facebook-oauth';
import { facebookOptionsSchema } from './facebook-options.schema';

const issues = (value: unknown) => {
  const result = facebookOptionsSchema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('facebook options', () => {
  it('OAuth needs the app id and secret; a pasted token needs the Page id; defaults point at Meta', () => {
    const parsed = facebookOptionsSchema.parse({ clientId: '123', clientSecret: 's' });
    expect(parsed).toMatchObject({
      graphBaseUrl: 'https://graph.facebook.com',
      loginBaseUrl: 'https://www.facebook.com',
      inboxLookbackDays: 14,
    });
    expect(issues({})).toEqual([expect.stringContaining('clientId: required: the Meta app’s App ID')]);
    expect(issues({ clientId: '123' })).toEqual([
      expect.stringContaining('clientSecret: required with clientId'),
    ]);
    expect(issues({ accessToken: 'EAAG123' })).toEqual([
      expect.stringContaining('pageId: required with accessToken'),
    ]);
    expect(issues({ accessToken: 'EAAG123', pageId: '1049' })).toEqual([]);
  });

  it('refuses what would mislead, without echoing secrets', () => {
    const problems = issues({
      accessToken: 'has space secret',
      pageId: 'acme',
      graphBaseUrl: 'http://graph.example.com/v1',
      token: 'x',
    });
    expect(problems.join('\n')).not.toContain('has space secret');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('unknown option "token"'),
        expect.stringContaining('pageId: must be the Page id (digits only)'),
        expect.stringContaining('graphBaseUrl: must be the https:// address of the Graph API'),
        expect.stringContaining('accessToken: must be a Page access token'),
      ]),
    );
  });

  it('the OAuth provider asks Facebook Login for the Page permissions, comma-separated, at the versioned dialog', () => {
    const options = facebookOptionsSchema.parse({ clientId: '123', clientSecret: 's' });
    expect(facebookOAuth.authorizationUrl(options)).toBe('https://www.facebook.com/v26.0/dialog/oauth');
    expect(facebookOAuth.tokenUrl(options)).toBe('https://graph.facebook.com/v26.0/oauth/access_token');
    expect(facebookOAuth.scopes(options)).toEqual(FACEBOOK_SCOPES);
    expect(facebookOAuth.scopeSeparator).toBe(',');
    expect(facebookOAuth.refresh).toBeUndefined();
  });

  it('picks the Page named, or the only one; several or none is a reconnect naming them', () => {
    const pages = [
      { id: '1', name: 'Acme' },
      { id: '2', name: 'Acme Berlin' },
    ];
    expect(choosePage(pages, '2').id).toBe('2');
    expect(choosePage([pages[0]], undefined).id).toBe('1');
    expect(() => choosePage(pages, undefined)).toThrow(AuthenticationError);
    expect(() => choosePage(pages, undefined)).toThrow('"Acme" (1), "Acme Berlin" (2)');
    expect(() => choosePage([], undefined)).toThrow('granted access to no Page');
  });
});
