import { splitThread } from '../../src/plugin-sdk';
import { textMarker, threadParts, weightedLength, X_TEXT_LIMITS } from './x-text';

describe('x text: weighted length as X counts it', () => {
  it('counts Latin as 1, CJK and emoji as 2, every link as 23', () => {
    expect(weightedLength('hello')).toBe(5);
    expect(weightedLength('日本語')).toBe(6);
    expect(weightedLength('👍🏽')).toBe(2);
    expect(weightedLength('👨‍👩‍👧')).toBe(2);
    expect(weightedLength('see https://example.com/a/very/long/path?with=query')).toBe(4 + 23);
    expect(weightedLength('“quoted” — dash')).toBe(15);
  });

  it('normalises to NFC first (a decomposed é counts once)', () => {
    expect(weightedLength('e\u0301')).toBe(1);
  });

  it('a text of 280 ASCII characters fits; 141 CJK characters do not', () => {
    expect(weightedLength('x'.repeat(280))).toBe(280);
    expect(weightedLength('語'.repeat(141))).toBe(282);
  });
});

describe('x text: threads', () => {
  it('uses the SDK split when every part fits (what the import check counted)', () => {
    const text = 'One sentence here. '.repeat(40);
    expect(threadParts(text)).toEqual(splitThread(text, X_TEXT_LIMITS));
  });

  it('splits CJK text into parts of at most 280 weighted characters, the same way every time', () => {
    const text = '今日は新しい豆を焙煎しました。'.repeat(30);
    const parts = threadParts(text);
    expect(parts.length).toBeGreaterThan(splitThread(text, X_TEXT_LIMITS).length);
    expect(parts.every((part) => weightedLength(part) <= 280)).toBe(true);
    expect(parts.join('')).toBe(text.trim());
    expect(threadParts(text)).toEqual(parts);
  });
});

describe('x text: the lookup marker', () => {
  it('ignores links (t.co on the way back), media links, HTML entities and spacing', () => {
    const sent = 'Beans & <more> at https://acme.example/p/1 today';
    const answered = 'Beans &amp; &lt;more&gt; at https://t.co/abc123 today https://t.co/media9';
    expect(textMarker(answered)).toBe(textMarker(sent));
  });

  it('tells different texts apart', () => {
    expect(textMarker('post 1')).not.toBe(textMarker('post 2'));
  });
});
