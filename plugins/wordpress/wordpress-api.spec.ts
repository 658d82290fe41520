import { restRootFromLinkHeader, routeUrl } from './wordpress-api';
import { wordpressExtraSchema, wordpressOptionsSchema } from './wordpress-options.schema';

describe('wordpress REST addresses', () => {
  it('builds routes under plain (?rest_route=) and pretty (/wp-json/) roots', () => {
    expect(
      routeUrl('http://127.0.0.1:8080/index.php?rest_route=/', '/wp/v2/posts', { slug: 'a,b', page: 2 }),
    ).toBe('http://127.0.0.1:8080/index.php?rest_route=/wp/v2/posts&slug=a%2Cb&page=2');
    expect(routeUrl('https://blog.example.com/wp-json/', '/wp/v2/posts/12', { force: true })).toBe(
      'https://blog.example.com/wp-json/wp/v2/posts/12?force=true',
    );
    expect(routeUrl('https://example.com/blog/wp-json', '/wp/v2/media', { x: undefined })).toBe(
      'https://example.com/blog/wp-json/wp/v2/media',
    );
  });

  it('reads the REST root from the Link header', () => {
    expect(
      restRootFromLinkHeader(
        '<https://blog.example.com/wp-json/>; rel="https://api.w.org/", <https://blog.example.com/?p=1>; rel=shortlink',
      ),
    ).toBe('https://blog.example.com/wp-json/');
    expect(
      restRootFromLinkHeader('<http://127.0.0.1:8/index.php?rest_route=/>; rel="https://api.w.org/"'),
    ).toBe('http://127.0.0.1:8/index.php?rest_route=/');
    expect(restRootFromLinkHeader(undefined)).toBeUndefined();
  });
});

describe('wordpress options and extra', () => {
  it('needs https (plain http only to this machine), a user and an application password', () => {
    const ok = wordpressOptionsSchema.safeParse({
      siteUrl: 'https://blog.example.com',
      username: 'ana',
      applicationPassword: 'abcd efgh ijkl mnop qrst uvwx',
    });
    expect(ok.success && ok.data).toMatchObject({
      html: false,
      createTags: true,
      forceDelete: false,
      timeoutMs: 15_000,
    });
    const bad = wordpressOptionsSchema.safeParse({
      siteUrl: 'http://blog.example.com',
      username: '',
      applicationPassword: 'secret-value',
    });
    expect(bad.success).toBe(false);
    const text = JSON.stringify(bad.error?.issues);
    expect(text).toMatch(/https/);
    expect(text).toMatch(/Author, Editor or Administrator/);
    expect(text).not.toContain('secret-value');
  });

  it('checks per-post settings', () => {
    expect(
      wordpressExtraSchema.safeParse({ categories: ['News'], tags: ['a'], slug: 'winter-blend' }).success,
    ).toBe(true);
    expect(wordpressExtraSchema.safeParse({ slug: 'Winter Blend' }).success).toBe(false);
    expect(wordpressExtraSchema.safeParse({ publishAt: '2026-12-24 10:00' }).success).toBe(false);
    expect(wordpressExtraSchema.safeParse({ publishAt: '2026-12-24T10:00:00+01:00' }).success).toBe(true);
  });
});
