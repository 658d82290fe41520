import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { createPluginHttpClient } from '../../src/plugin-host/plugin-http.client';
import { defineOAuthProvider, type OAuthTools } from '../../src/plugin-sdk';
import { createPkcePair } from '../../src/oauth/pkce';
import { defaultRefresh, exchangeCode, TokenEndpointError } from '../../src/oauth/token-endpoint.client';
import { OAuth2ServerFake } from '../fakes/oauth2-server.fake';

interface Options {
  authorizationUrl: string;
  tokenUrl: string;
  secret: string;
}

const REDIRECT = 'http://127.0.0.1:1/oauth/callback';

/** The token endpoint client over real HTTP against the RFC 6749/7636 fake, with HTTP Basic client authentication. */
describe('token endpoint client (HTTP Basic, RFC 6749 §2.3.1)', () => {
  let fake: OAuth2ServerFake;
  const provider = defineOAuthProvider<Options>({
    platform: 'Example',
    authorizationUrl: (options) => options.authorizationUrl,
    tokenUrl: (options) => options.tokenUrl,
    scopes: () => ['a', 'b'],
    pkce: true,
    clientAuthentication: 'basic',
    client: (options) => ({ id: 'app:1', secret: options.secret }),
  });
  const tools = (secret = 'se cret/+'): OAuthTools<Options> => ({
    options: { authorizationUrl: fake.authorizationUrl, tokenUrl: fake.tokenUrl, secret },
    http: createPluginHttpClient('oauth-test', '0.0.0'),
    clock: SYSTEM_CLOCK,
  });

  /** A code from the fake's consent, for this verifier. */
  async function code(challenge: string): Promise<string> {
    const url = new URL(fake.authorizationUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'app:1',
      redirect_uri: REDIRECT,
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const consent = await fetch(url, { redirect: 'manual' });
    return new URL(consent.headers.get('location')!).searchParams.get('code')!;
  }

  beforeAll(async () => {
    fake = await new OAuth2ServerFake({
      clientId: 'app:1',
      clientSecret: 'se cret/+',
      clientAuthentication: 'basic',
      redirectUris: [REDIRECT],
      requirePkce: true,
    }).start();
  });

  afterAll(async () => {
    await fake.stop();
  });

  it('exchanges a code with Basic credentials and the verifier, then refreshes with rotation', async () => {
    const pkce = createPkcePair();
    const response = await exchangeCode(provider, tools(), {
      code: await code(pkce.challenge),
      redirectUri: REDIRECT,
      codeVerifier: pkce.verifier,
    });
    expect(fake.accepts(response.access_token)).toBe(true);
    const first = { accessToken: response.access_token, refreshToken: response.refresh_token };
    const renewed = await defaultRefresh(provider, first, tools());
    expect(renewed.refreshToken).not.toBe(first.refreshToken);
    expect(fake.accepts(renewed.accessToken)).toBe(true);
    // The spent refresh token is refused for good.
    const replay = await defaultRefresh(provider, first, tools()).catch((error: unknown) => error);
    expect(replay).toBeInstanceOf(TokenEndpointError);
    expect(replay).toMatchObject({ permanent: true, oauthError: 'invalid_grant' });
  });

  it('refuses a wrong verifier as invalid_grant, a wrong secret as invalid_client, never echoing the secret', async () => {
    const pkce = createPkcePair();
    const wrongVerifier = await exchangeCode(provider, tools(), {
      code: await code(pkce.challenge),
      redirectUri: REDIRECT,
      codeVerifier: createPkcePair().verifier,
    }).catch((error: unknown) => error as TokenEndpointError);
    expect(wrongVerifier).toMatchObject({ permanent: true, oauthError: 'invalid_grant' });

    const wrongSecret = await exchangeCode(provider, tools('nope-secret'), {
      code: await code(pkce.challenge),
      redirectUri: REDIRECT,
      codeVerifier: pkce.verifier,
    }).catch((error: unknown) => error as TokenEndpointError);
    expect(wrongSecret).toMatchObject({ permanent: true, oauthError: 'invalid_client' });
    expect(wrongSecret.message).not.toContain('nope-secret');
  });

  it('is transient when the platform is down or unreachable', async () => {
    fake.failNextTokenRequests(503);
    const down = await defaultRefresh(provider, { accessToken: 'a', refreshToken: 'r' }, tools()).then(
      () => undefined,
      (error: unknown) => error as TokenEndpointError,
    );
    expect(down).toMatchObject({ permanent: false });
    const unreachable = await defaultRefresh(
      provider,
      { accessToken: 'a', refreshToken: 'r' },
      { ...tools(), options: { ...tools().options, tokenUrl: 'http://127.0.0.1:1/token' } },
    ).then(
      () => undefined,
      (error: unknown) => error as TokenEndpointError,
    );
    expect(unreachable).toMatchObject({ permanent: false });
    expect(unreachable?.message).toMatch(/will try again later/);
  });
});
