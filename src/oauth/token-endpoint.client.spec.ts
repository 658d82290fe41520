import {
  parseTokenAnswer,
  splitScopes,
  tokensFromResponse,
  TokenEndpointError,
} from './token-endpoint.client';

const place = 'Example token endpoint';

function refusal(status: number, body: string): TokenEndpointError {
  try {
    parseTokenAnswer(place, status, body);
  } catch (error) {
    return error as TokenEndpointError;
  }
  throw new Error('expected a refusal');
}

describe('token endpoint answers (RFC 6749 §5)', () => {
  it('parses a success, numbers given as strings included', () => {
    const answer = parseTokenAnswer(
      place,
      200,
      JSON.stringify({ access_token: 'AT', token_type: 'Bearer', expires_in: '3600', scope: 'a b', id: 7 }),
    );
    expect(answer).toMatchObject({ access_token: 'AT', expires_in: 3600, scope: 'a b', id: 7 });
  });

  it('is permanent on invalid_grant, with the description and without the body echoed', () => {
    const error = refusal(
      400,
      JSON.stringify({ error: 'invalid_grant', error_description: 'token revoked' }),
    );
    expect(error.permanent).toBe(true);
    expect(error.oauthError).toBe('invalid_grant');
    expect(error.message).toContain('token revoked');
  });

  it('names the client settings on invalid_client', () => {
    const error = refusal(401, JSON.stringify({ error: 'invalid_client' }));
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/client id and secret/);
  });

  it('is transient on 5xx and 429, even without a JSON body', () => {
    expect(refusal(503, '<html>down</html>').permanent).toBe(false);
    expect(refusal(429, '').permanent).toBe(false);
  });

  it("accepts Instagram Login's code exchange answer, its token in data[0], and keeps the body for the plugin", () => {
    const data = [{ access_token: 'IGQ', user_id: '1784', permissions: 'instagram_business_basic' }];
    expect(parseTokenAnswer(place, 200, JSON.stringify({ data }))).toMatchObject({
      access_token: 'IGQ',
      data,
    });
    expect(refusal(200, JSON.stringify({ data: [{ token: 'x' }] })).permanent).toBe(true);
    expect(refusal(200, JSON.stringify({ data: ['IGQ'] })).permanent).toBe(true);
  });

  it('refuses a 200 without an access token and does not echo the body', () => {
    const error = refusal(200, '{"token":"secret-value"}');
    expect(error.permanent).toBe(true);
    expect(error.message).not.toContain('secret-value');
  });
});

describe('tokensFromResponse (the default complete and refresh)', () => {
  const now = new Date('2026-12-01T09:00:00Z');

  it('turns expires_in and refresh_token_expires_in into instants and splits the scopes', () => {
    expect(
      tokensFromResponse(
        {
          access_token: 'AT',
          refresh_token: 'RT',
          expires_in: 5_184_000,
          refresh_token_expires_in: 31_536_000,
          scope: 'r_basicprofile,w_member_social',
        },
        now,
      ),
    ).toEqual({
      accessToken: 'AT',
      refreshToken: 'RT',
      expiresAt: new Date('2027-01-30T09:00:00Z'),
      refreshExpiresAt: new Date('2027-12-01T09:00:00Z'),
      scopes: ['r_basicprofile', 'w_member_social'],
    });
  });

  it('keeps the refresh token, its end, scopes and account when a refresh answer brings no new ones', () => {
    const previous = {
      accessToken: 'old',
      refreshToken: 'RT',
      refreshExpiresAt: new Date('2027-06-01T00:00:00Z'),
      scopes: ['a'],
      account: { id: 'urn:li:person:1' },
    };
    expect(tokensFromResponse({ access_token: 'new', expires_in: 60 }, now, previous)).toEqual({
      accessToken: 'new',
      refreshToken: 'RT',
      expiresAt: new Date('2026-12-01T09:01:00Z'),
      refreshExpiresAt: previous.refreshExpiresAt,
      scopes: ['a'],
      account: previous.account,
    });
  });

  it('splits space- and comma-separated scopes', () => {
    expect(splitScopes(' a  b,c ')).toEqual(['a', 'b', 'c']);
  });
});
