import {
  defineOAuthProvider,
  needsReconnect,
  PermanentError,
  transientFailure,
  type OAuthTokenResponse,
  type OAuthTokens,
  type OAuthTools,
} from '../../src/plugin-sdk';
import type { YouTubeOptions } from './youtube-options.schema';

export const SCOPES = {
  upload: 'https://www.googleapis.com/auth/youtube.upload',
  forceSsl: 'https://www.googleapis.com/auth/youtube.force-ssl',
  readonly: 'https://www.googleapis.com/auth/youtube.readonly',
  analytics: 'https://www.googleapis.com/auth/yt-analytics.readonly',
} as const;

function tokensOf(response: OAuthTokenResponse, now: Date, previous?: OAuthTokens): OAuthTokens {
  if (typeof response.access_token !== 'string' || !response.access_token) {
    throw transientFailure("Google's token endpoint answered without an access_token");
  }
  const expiresIn = typeof response.expires_in === 'number' ? response.expires_in : undefined;
  return {
    accessToken: response.access_token,
    // Google sends a refresh token only on the first consent (prompt=consent makes it every time); a refresh keeps it.
    refreshToken:
      typeof response.refresh_token === 'string' ? response.refresh_token : previous?.refreshToken,
    ...(expiresIn ? { expiresAt: new Date(now.getTime() + expiresIn * 1000) } : {}),
    scopes: typeof response.scope === 'string' ? response.scope.split(' ').filter(Boolean) : previous?.scopes,
    ...(previous?.account ? { account: previous.account } : {}),
  };
}

/** The channel of the Google account that consented (channels.list?mine=true, 1 unit). */
async function channelOf(
  tokens: OAuthTokens,
  tools: OAuthTools<YouTubeOptions>,
): Promise<Record<string, string>> {
  const response = await tools.http.request(
    `${tools.options.apiUrl.replace(/\/$/, '')}/youtube/v3/channels?part=id%2Csnippet&mine=true`,
    {
      headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
      timeoutMs: tools.options.timeoutMs,
    },
  );
  if (response.status !== 200) {
    throw transientFailure(
      `YouTube answered ${response.status} while finding the channel of the account that connected`,
    );
  }
  const body =
    (await response.json<{ items?: Array<{ id?: unknown; snippet?: { title?: unknown } }> }>()) ?? {};
  const channel = body.items?.[0];
  if (!channel || typeof channel.id !== 'string' || !channel.id) {
    throw needsReconnect(
      'the Google account that connected has no YouTube channel: create one at https://www.youtube.com/create_channel (or choose the brand account that owns it on the consent page), then connect again',
    );
  }
  if (tools.options.channelId && channel.id !== tools.options.channelId) {
    throw needsReconnect(
      `the account that connected owns channel ${channel.id}, not ${tools.options.channelId} (option channelId): choose that channel's Google account or brand account on the consent page`,
    );
  }
  return {
    channelId: channel.id,
    ...(typeof channel.snippet?.title === 'string' ? { channelTitle: channel.snippet.title } : {}),
  };
}

/**
 * Google's OAuth 2 for web server apps (https://developers.google.com/identity/protocols/oauth2/web-server):
 * offline access (a refresh token; `prompt=consent` so every connect gets one), PKCE S256, the secret in the body.
 */
export const youtubeOAuth = defineOAuthProvider<YouTubeOptions>({
  platform: 'YouTube (Google)',
  authorizationUrl: (options) => options.authorizationUrl,
  tokenUrl: (options) => options.tokenUrl,
  scopes: (options) => [
    SCOPES.upload,
    SCOPES.forceSsl,
    SCOPES.readonly,
    ...(options.analytics ? [SCOPES.analytics] : []),
  ],
  scopeSeparator: ' ',
  pkce: true,
  clientAuthentication: 'body',
  authorizationParams: () => ({ access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' }),
  client: (options) => {
    if (!options.clientId || !options.clientSecret) {
      throw new PermanentError(
        'plugin youtube: set options.clientId and options.clientSecret (Google Cloud console → APIs & Services → Credentials → OAuth client ID, type Web application), written as "${env:…}", to connect the channel',
      );
    }
    return { id: options.clientId, secret: options.clientSecret };
  },
  async complete(response, tools) {
    const tokens = tokensOf(response, tools.clock.now());
    return { ...tokens, account: await channelOf(tokens, tools) };
  },
  async refresh(tokens, tools) {
    if (!tokens.refreshToken) {
      throw needsReconnect(
        'Google gave no refresh token for this channel: reconnect it with `metronome channels connect`',
      );
    }
    const { id, secret } = youtubeOAuth.client(tools.options);
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
      client_id: id,
      client_secret: secret ?? '',
    });
    const response = await tools.http.request(tools.options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      timeoutMs: tools.options.timeoutMs,
    });
    const body = (await response.json<Record<string, unknown>>().catch(() => ({}))) as Record<
      string,
      unknown
    >;
    if (response.status === 400 || response.status === 401) {
      const reason = [body.error, body.error_description]
        .filter((part) => typeof part === 'string')
        .join(': ');
      throw needsReconnect(
        `Google refused to renew the token (${reason || response.status}): the grant was revoked, the password changed, or the app is in "Testing" (refresh tokens last 7 days there); reconnect the channel with \`metronome channels connect\``,
      );
    }
    if (response.status !== 200) {
      throw transientFailure(`Google's token endpoint answered ${response.status} while renewing the token`);
    }
    return tokensOf(body as OAuthTokenResponse, tools.clock.now(), tokens);
  },
});
