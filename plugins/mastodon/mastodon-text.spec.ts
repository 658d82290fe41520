import {
  graphemeCount,
  htmlToText,
  linksIn,
  mastodonLength,
  retryAtFromHeaders,
  statusFingerprint,
} from './mastodon-text';

describe('Mastodon text helpers', () => {
  it('counts graphemes, a link as the reserved length and a remote mention by its username', () => {
    expect(graphemeCount('👩‍👩‍👧‍👦 ok')).toBe(4);
    expect(mastodonLength('see https://example.com/a/very/long/path/that/goes/on.', '', 23)).toBe(4 + 23 + 1);
    expect(mastodonLength('hi @ana@cafe.example', '', 23)).toBe('hi @ana'.length);
    expect(mastodonLength('body', 'CW', 23)).toBe(6);
  });

  it('turns status HTML into the text that was written', () => {
    const html =
      '<p>Winter blend &amp; friends 🎉</p><p>Thanks <span class="h-card"><a href="https://cafe.example/@ana" class="u-url mention">@<span>ana</span></a></span>!<br />More: <a href="https://acme.example/blog/long-slug" rel="nofollow"><span class="invisible">https://</span><span class="ellipsis">acme.example/blog/lo</span><span class="invisible">ng-slug</span></a> &lt;3 &#x1F600; &#39;</p>';

    expect(htmlToText(html)).toBe(
      "Winter blend & friends 🎉\n\nThanks @ana!\nMore: https://acme.example/blog/long-slug <3 😀 '",
    );
  });

  it('matches the fingerprint of what was sent with the status Mastodon renders back', () => {
    const sent = 'Thanks @ana@cafe.example!\r\nMore:  https://acme.example/x ';
    const served = htmlToText(
      '<p>Thanks <span class="h-card"><a href="https://cafe.example/@ana" class="u-url mention">@<span>ana</span></a></span>!<br />More: <a href="https://acme.example/x"><span class="invisible">https://</span><span>acme.example/x</span></a></p>',
    );

    expect(statusFingerprint(served, 'cw')).toBe(statusFingerprint(sent, 'cw'));
    expect(statusFingerprint(served, '')).not.toBe(statusFingerprint(sent, 'cw'));
    expect(statusFingerprint('Thanks @ana! More: https://acme.example/y', 'cw')).not.toBe(
      statusFingerprint(sent, 'cw'),
    );
  });

  it('finds profile links but not mentions or hashtags', () => {
    expect(
      linksIn(
        '<a href="https://acme.example/?a=1&amp;b=2" rel="me">acme</a> <a href="https://x.example/@bo" class="u-url mention">@bo</a> <a href="https://x.example/tags/tea" class="mention hashtag">#tea</a>',
      ),
    ).toEqual(['https://acme.example/?a=1&b=2']);
  });

  it('reads the retry time from X-RateLimit-Reset (ISO 8601 or Unix seconds), else Retry-After', () => {
    const now = new Date('2026-12-02T09:15:00Z');
    expect(retryAtFromHeaders({ 'x-ratelimit-reset': '2026-12-02T09:20:00.123456Z' }, now)).toEqual(
      new Date('2026-12-02T09:20:00.123Z'),
    );
    expect(retryAtFromHeaders({ 'x-ratelimit-reset': '1796202000' }, now)).toEqual(
      new Date(1796202000 * 1000),
    );
    expect(retryAtFromHeaders({ 'retry-after': '30' }, now)).toEqual(new Date('2026-12-02T09:15:30Z'));
    expect(retryAtFromHeaders({ 'retry-after': 'Wed, 02 Dec 2026 09:16:00 GMT' }, now)).toEqual(
      new Date('2026-12-02T09:16:00Z'),
    );
    expect(retryAtFromHeaders({ 'x-ratelimit-reset': 'soon' }, now)).toBeUndefined();
  });
});
