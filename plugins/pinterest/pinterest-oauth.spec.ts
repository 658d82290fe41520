import { tokensOf } from './pinterest-oauth';

const NOW = new Date('2026-12-07T12:00:00.000Z');

describe('Pinterest token answers', () => {
  it('reads the access token, its 30 days, the continuous refresh token and its 60 days, and the scopes', () => {
    expect(
      tokensOf(
        {
          access_token: 'pina_1',
          token_type: 'bearer',
          expires_in: 2_592_000,
          scope: 'boards:read,pins:read,pins:write,user_accounts:read',
          refresh_token: 'pinr_1',
          refresh_token_expires_in: 5_184_000,
          refresh_token_expires_at: Date.parse('2027-02-05T12:00:00Z') / 1000,
        },
        NOW,
      ),
    ).toEqual({
      accessToken: 'pina_1',
      refreshToken: 'pinr_1',
      expiresAt: new Date('2027-01-06T12:00:00.000Z'),
      refreshExpiresAt: new Date('2027-02-05T12:00:00.000Z'),
      scopes: ['boards:read', 'pins:read', 'pins:write', 'user_accounts:read'],
      account: undefined,
    });
  });

  it('a refresh keeps what the answer leaves out (refresh token, scopes, account)', () => {
    const previous = {
      accessToken: 'old',
      refreshToken: 'pinr_old',
      refreshExpiresAt: new Date('2027-01-01T00:00:00Z'),
      scopes: ['pins:write'],
      account: { username: 'acme' },
    };
    expect(tokensOf({ access_token: 'pina_2', expires_in: 60 }, NOW, previous)).toEqual({
      accessToken: 'pina_2',
      refreshToken: 'pinr_old',
      expiresAt: new Date('2026-12-07T12:01:00.000Z'),
      refreshExpiresAt: new Date('2027-01-01T00:00:00Z'),
      scopes: ['pins:write'],
      account: { username: 'acme' },
    });
  });

  it('refuses an answer without an access token', () => {
    expect(() => tokensOf({ access_token: '' }, NOW)).toThrow(/without an access_token/);
  });
});
