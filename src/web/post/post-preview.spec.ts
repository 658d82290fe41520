import { splitThread, type ConnectorCapabilities } from '../../plugin-sdk';
import { countText, escapeHtml, previewHtml, previewVariant, tokenize } from './post-preview';

const mastodonLike: ConnectorCapabilities = {
  publish: true,
  text: {
    graphemes: 500,
    charactersPerUrl: 23,
    remoteMentionsCountAsUser: true,
    countedExtras: ['spoilerText'],
  },
  thread: { maxParts: 3 },
};

describe('post preview', () => {
  it('splits a text into text, links, mentions and hashtags that join back to it', () => {
    const text = 'Hi @maya and @ann@example.social! New #coffee at https://acme.example/a#b?x=1&y=2. Bye';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text).join('')).toBe(text);
    expect(tokens.filter((t) => t.kind !== 'text')).toEqual([
      { kind: 'mention', text: '@maya' },
      { kind: 'mention', text: '@ann@example.social' },
      { kind: 'hashtag', text: '#coffee' },
      // The hashtag inside the link is the link's; the closing full stop is not part of it.
      { kind: 'link', text: 'https://acme.example/a#b?x=1&y=2' },
    ]);
  });

  it('marks up links, mentions and hashtags from escaped parts', () => {
    const html = previewHtml('Go <b>now</b> @maya #fresh https://acme.example/?q="x"&a=<1>').toHTML();
    expect(html).toBe(
      'Go &lt;b&gt;now&lt;/b&gt; <span class="preview-mention">@maya</span> <span class="preview-hashtag">#fresh</span> ' +
        '<a class="preview-link" href="https://acme.example/?q&#x3D;" rel="nofollow noopener noreferrer">https://acme.example/?q&#x3D;</a>&quot;x&quot;&amp;a&#x3D;&lt;1&gt;',
    );
  });

  it('never lets a caption open markup, an attribute or a script, and drops bidi overrides', () => {
    const hostile =
      '<script>alert(1)</script>\u202Egnp.exe "onmouseover=alert(1) javascript:alert(1) <img src=x>';
    const html = previewHtml(hostile).toHTML();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"onmouseover');
    expect(html).not.toContain('\u202E');
    expect(html).not.toContain('<a'); // javascript: is no link
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;gnp.exe');
    expect(escapeHtml(`<>&"'\`=`)).toBe('&lt;&gt;&amp;&quot;&#x27;&#x60;&#x3D;');
  });

  it('counts graphemes and UTF-8 bytes against the declared limits, in words', () => {
    const fits = countText('Flat white 👩🏽‍💻 ☕', { graphemes: 300 });
    expect(fits).toMatchObject({ characters: 14, graphemes: 14, over: false });
    expect(fits.charactersLabel).toBe('14 / 300 characters');
    expect(fits.bytesLabel).toBe(`${Buffer.byteLength('Flat white 👩🏽‍💻 ☕')} bytes (UTF-8)`);
    const over = countText('é'.repeat(1600), { graphemes: 300, bytes: 3000 });
    expect(over.over).toBe(true);
    expect(over.charactersLabel).toBe('1,600 / 300 characters');
    expect(over.bytesLabel).toBe('3,200 / 3,000 bytes (UTF-8)');
    expect(over.excess).toBe(
      '1,600 characters, over the limit of 300 characters by 1,300; 3,200 bytes (UTF-8), over the limit of 3,000 bytes by 200',
    );
    const noLimits = countText('abc', {});
    expect(noLimits).toMatchObject({ charactersLabel: '3 characters', over: false });
  });

  it('counts a link as the connector does, and a content warning with the text', () => {
    const link = `read https://acme.example/${'x'.repeat(200)}`;
    const preview = previewVariant(link, { spoilerText: 'CW' }, mastodonLike);
    expect(preview.counter.characters).toBe(5 + 23 + 2);
    expect(preview.counter.graphemes).toBe(link.length);
  });

  it('shows a thread as the SDK splits it, each part counted', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} about coffee and roasting.`).join(
      ' ',
    );
    const preview = previewVariant(text, { thread: true }, mastodonLike);
    expect(preview.thread).toBe(true);
    expect(preview.parts.map((p) => p.html.toHTML())).toEqual(
      splitThread(text, mastodonLike.text!).map((p) => previewHtml(p).toHTML()),
    );
    expect(preview.parts.length).toBe(3);
    expect(preview.parts.every((p) => !p.counter.over)).toBe(true);
    expect(preview.counter.over).toBe(true);
    expect(preview.threadNote).toBe('3 parts (at most 3)');
    const longer = previewVariant(`${text} ${text}`, { thread: true }, mastodonLike);
    expect(longer.threadOverParts).toBe(true);
    expect(longer.threadNote).toMatch(/over the most this network publishes \(3\)/);
    // Without thread support the text is one post, over the limit.
    const single = previewVariant(text, { thread: true }, { publish: true, text: { graphemes: 500 } });
    expect(single.parts).toHaveLength(1);
    expect(single.counter.over).toBe(true);
  });

  it('reports platform rules other than length (hashtags, links)', () => {
    const counter = countText('#a #b #c https://x.example', { maxHashtags: 2, links: false });
    expect(counter.problems).toHaveLength(2);
    expect(counter.problems[0]).toContain('3 hashtags, over the limit of 2');
    expect(counter.problems[1]).toContain('makes no links');
  });
});
