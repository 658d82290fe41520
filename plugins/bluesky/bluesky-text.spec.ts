import { graphemeLength, splitThread } from './bluesky-text';

describe('bluesky text', () => {
  it('counts graphemes, the way Bluesky counts its 300-character limit', () => {
    expect(graphemeLength('Grüße ☕️ 👩‍👩‍👧‍👦')).toBe(9);
  });

  it('keeps text that fits as one part', () => {
    expect(splitThread('  Short and sweet.  ')).toEqual(['Short and sweet.']);
  });

  it('splits at sentence ends, each part within the limit, losing no words', () => {
    const text = 'One sentence here. Another one there! A third, longer sentence follows? Yes.';
    const parts = splitThread(text, 40);
    expect(parts).toEqual([
      'One sentence here. Another one there!',
      'A third, longer sentence follows? Yes.',
    ]);
  });

  it('splits a sentence longer than a part between words', () => {
    const text = 'word '.repeat(100).trim();
    const parts = splitThread(text, 50);
    parts.forEach((part) => expect(graphemeLength(part)).toBeLessThanOrEqual(50));
    expect(parts.join(' ')).toBe(text);
    expect(parts.every((part) => /^(word ?)+$/.test(part))).toBe(true);
  });

  it('cuts inside a word only when the word alone is longer than a part, never inside a grapheme', () => {
    const text = '👩‍👩‍👧‍👦'.repeat(7);
    const parts = splitThread(text, 3);
    expect(parts.map(graphemeLength)).toEqual([3, 3, 1]);
    expect(parts.join('')).toBe(text);
  });

  it('splits 300-grapheme parts for real posts', () => {
    const text = 'Our roasting diary, day by day, with every batch noted down carefully. '.repeat(10).trim();
    const parts = splitThread(text);
    expect(parts).toHaveLength(3);
    parts.forEach((part) => expect(graphemeLength(part)).toBeLessThanOrEqual(300));
    expect(parts.join(' ')).toBe(text);
  });
});
