import youtube from '.';
import { youtubeOptionsSchema } from './youtube-options.schema';
import { SCOPES, youtubeOAuth } from './youtube-oauth';

const issues = (value: unknown) => {
  const parsed = youtubeOptionsSchema.safeParse(value);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('youtube options', () => {
  it('defaults to Google’s hosts, public videos, 8 MiB chunks, 10,000 units and 100 uploads a day', () => {
    expect(youtubeOptionsSchema.parse({ clientId: 'id', clientSecret: 'secret' })).toMatchObject({
      apiUrl: 'https://www.googleapis.com',
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      privacy: 'public',
      chunkBytes: 8 * 1024 * 1024,
      dailyQuotaUnits: 10_000,
      uploadsPerDay: 100,
      insertUnits: 0,
    });
  });

  it('refuses chunks that are not multiples of 256 KiB, unknown options and a pasted token without its channel', () => {
    expect(issues({ chunkBytes: 300_000 })).toEqual([expect.stringContaining('multiple of 262144')]);
    expect(issues({ chanelId: 'x' })).toEqual([expect.stringContaining('unknown option "chanelId"')]);
    expect(issues({ accessToken: 'ya29.abc' })).toEqual([expect.stringContaining('channelId')]);
    expect(issues({ channelId: 'not-a-channel' })).toEqual([expect.stringContaining('UC')]);
    expect(issues({ apiUrl: 'http://example.com' })).toEqual([expect.stringContaining('https://')]);
  });

  it('asks Google for offline access with consent, PKCE, and the scopes (analytics only when asked)', () => {
    const options = youtubeOptionsSchema.parse({ clientId: 'id', clientSecret: 'secret' });
    expect(youtubeOAuth.scopes(options)).toEqual([SCOPES.upload, SCOPES.forceSsl, SCOPES.readonly]);
    expect(youtubeOAuth.scopes({ ...options, analytics: true })).toContain(SCOPES.analytics);
    expect(youtubeOAuth.authorizationParams!(options)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
    });
    expect(youtubeOAuth.pkce).toBe(true);
    expect(() => youtubeOAuth.client(youtubeOptionsSchema.parse({}))).toThrow(/clientId/);
  });

  it('declares the limits YouTube enforces', () => {
    expect(youtube.capabilities).toMatchObject({
      twoStep: true,
      text: { bytes: 5000 },
      title: { graphemes: 100 },
      media: {
        minCount: 1,
        maxVideos: 1,
        maxImages: 1,
        maxImageBytes: 2 * 1024 * 1024,
        maxVideoBytes: 256 * 1024 ** 3,
        maxVideoSeconds: 43_200,
      },
      metricNames: { followers: 'Subscribers', impressions: 'Views' },
    });
  });
});
