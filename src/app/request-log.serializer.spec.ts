import { redactRequestSecrets } from './request-log.serializer';

describe('redactRequestSecrets', () => {
  it('hides a signed link token in the query', () => {
    expect(
      redactRequestSecrets({
        url: '/api/v1/incidents/7/ack?token=abc.def&x=1',
        query: { token: 'abc', x: '1' },
      }),
    ).toEqual({
      url: '/api/v1/incidents/7/ack?token=[redacted]&x=1',
      query: { token: '[redacted]', x: '1' },
    });
  });

  it('hides the OAuth authorization code on the callback, keeping the state', () => {
    expect(
      redactRequestSecrets({
        url: '/oauth/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz',
        query: { code: 'c', state: 'xyz' },
      }),
    ).toEqual({
      url: '/oauth/callback?code=[redacted]&state=xyz',
      query: { code: '[redacted]', state: 'xyz' },
    });
  });

  it("hides a media URL's token, keeping the extension", () => {
    expect(redactRequestSecrets({ url: '/media/AQx_y-Z9.mp4' }).url).toBe('/media/[redacted].mp4');
    expect(redactRequestSecrets({ url: '/media/AQx_y-Z9' }).url).toBe('/media/[redacted]');
    expect(redactRequestSecrets({ url: '/api/v1/posts/media/x' }).url).toBe('/api/v1/posts/media/x');
  });

  it("hides a calendar feed's token, keeping the short id of a revoke", () => {
    expect(redactRequestSecrets({ url: '/feeds/AQx_y-Z9.ics' }).url).toBe('/feeds/[redacted].ics');
    expect(redactRequestSecrets({ url: '/feeds/0123456789ab/revoke' }).url).toBe(
      '/feeds/0123456789ab/revoke',
    );
  });
});
