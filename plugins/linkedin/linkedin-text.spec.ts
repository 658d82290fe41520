import { escapeLittleText, readLittleText } from './linkedin-text';

describe('LinkedIn little text format', () => {
  it('escapes every reserved character of plain text', () => {
    expect(escapeLittleText('Menu (new) [beta] {x} <b> a*b_c~d|e\\f @ # !')).toBe(
      'Menu \\(new\\) \\[beta\\] \\{x\\} \\<b\\> a\\*b\\_c\\~d\\|e\\\\f \\@ \\# !',
    );
  });

  it('keeps mentions, hashtags and links as LinkedIn elements', () => {
    const text =
      'Thanks @[Acme Roasters](urn:li:organization:2414183) (and you) #coffee_time https://acme.example/a_(b)';
    expect(escapeLittleText(text)).toBe(
      'Thanks @[Acme Roasters](urn:li:organization:2414183) \\(and you\\) #coffee_time https://acme.example/a_(b)',
    );
  });

  it('does not take a # inside a word, or an @ without a URN, as an element', () => {
    expect(escapeLittleText('C# and mail@acme @[x](http://a)')).toBe(
      'C\\# and mail\\@acme \\@\\[x\\]\\(http://a\\)',
    );
  });

  it('reads escaped text back as people wrote it', () => {
    const text = 'Hello @[Eddy](urn:li:person:abc) (really) #news';
    expect(readLittleText(escapeLittleText(text))).toBe('Hello @Eddy (really) #news');
  });
});
