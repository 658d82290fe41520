import { escapeHtml, htmlToText, imageHtml, slugify, textToHtml } from './wordpress-html';

describe('wordpress text → HTML', () => {
  it('makes paragraphs and line breaks, escaping everything', () => {
    expect(textToHtml('First line\nsecond <line> & "quotes"\n\n\nNext paragraph.')).toBe(
      '<p>First line<br />\nsecond &lt;line&gt; &amp; &quot;quotes&quot;</p>\n\n<p>Next paragraph.</p>',
    );
  });

  it('never lets a caption inject markup', () => {
    const html = textToHtml(
      '<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))',
    );
    expect(html).not.toMatch(/<script|<img|href="javascript/);
    expect(html).toContain('&lt;script&gt;');
  });

  it('turns Markdown links and bare addresses into links, leaving sentence punctuation out', () => {
    expect(textToHtml('See [our menu](https://acme.example/menu?a=1&b=2) or https://acme.example/x.')).toBe(
      '<p>See <a href="https://acme.example/menu?a=1&amp;b=2">our menu</a> or <a href="https://acme.example/x">https://acme.example/x</a>.</p>',
    );
    expect(textToHtml('(see https://acme.example/a_(b))')).toBe(
      '<p>(see <a href="https://acme.example/a_(b)">https://acme.example/a_(b)</a>)</p>',
    );
  });

  it('knows **bold** and *italics*, not a lone star', () => {
    expect(textToHtml('**New** and *fresh*, 2 * 3')).toBe(
      '<p><strong>New</strong> and <em>fresh</em>, 2 * 3</p>',
    );
  });

  it('escapes attributes of inserted images', () => {
    expect(imageHtml('https://s/x.png', 'A "cup" <3', 7)).toBe(
      '<figure class="wp-block-image"><img src="https://s/x.png" alt="A &quot;cup&quot; &lt;3" class="wp-image-7" /></figure>',
    );
    expect(escapeHtml(`'`)).toBe('&#039;');
  });

  it('reads rendered comments back as text', () => {
    expect(htmlToText('<p>Is it &#8220;decaf&#8221;? 1 &lt; 2 &amp; ok<br />\nyes</p>\n')).toBe(
      'Is it “decaf”? 1 < 2 & ok\nyes',
    );
  });

  it('makes slugs of titles', () => {
    expect(slugify('Crème brûlée: 2 new blends!')).toBe('creme-brulee-2-new-blends');
    expect(slugify('日本')).toBe('');
    expect(slugify('a'.repeat(100), 10)).toBe('aaaaaaaaaa');
  });
});
