import { defineOAuthProvider } from '../plugin-sdk';
import { consentUrl } from './consent-url';

interface Options {
  clientId: string;
}

const base = {
  platform: 'Example',
  authorizationUrl: () => 'https://auth.example.org/oauth/authorize?prompt=consent',
  tokenUrl: () => 'https://auth.example.org/oauth/token',
  scopes: () => ['posts.write', 'profile'],
  client: (options: Options) => ({ id: options.clientId }),
};

describe('consentUrl', () => {
  it('carries response_type, client_id, redirect_uri, the scopes joined by a space, state and the S256 challenge', () => {
    const provider = defineOAuthProvider<Options>({ ...base, pkce: true });
    const url = new URL(
      consentUrl(
        provider,
        { clientId: 'app 1' },
        {
          redirectUri: 'http://127.0.0.1:4321/oauth/callback',
          state: 'st-1',
          codeChallenge: 'challenge-1',
        },
      ),
    );
    expect(url.origin + url.pathname).toBe('https://auth.example.org/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      prompt: 'consent',
      response_type: 'code',
      client_id: 'app 1',
      redirect_uri: 'http://127.0.0.1:4321/oauth/callback',
      scope: 'posts.write profile',
      state: 'st-1',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
    });
  });

  it("joins scopes with the provider's separator, sends no PKCE where it is not taken, and adds its parameters", () => {
    const provider = defineOAuthProvider<Options>({
      ...base,
      pkce: false,
      scopeSeparator: ',',
      authorizationParams: () => ({ config_id: '42' }),
    });
    const url = new URL(
      consentUrl(
        provider,
        { clientId: 'a' },
        { redirectUri: 'https://m.example/oauth/callback', state: 's' },
      ),
    );
    expect(url.searchParams.get('scope')).toBe('posts.write,profile');
    expect(url.searchParams.get('config_id')).toBe('42');
    expect(url.searchParams.has('code_challenge')).toBe(false);
  });

  it('refuses to build a PKCE provider URL without a challenge', () => {
    const provider = defineOAuthProvider<Options>({ ...base, pkce: true });
    expect(() =>
      consentUrl(provider, { clientId: 'a' }, { redirectUri: 'https://x/cb', state: 's' }),
    ).toThrow(/no code challenge/);
  });
});
