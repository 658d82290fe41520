import fc from 'fast-check';
import { countGraphemes, graphemesOf } from './graphemes';

const reference = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const referenceClusters = (text: string) => Array.from(reference.segment(text), (s) => s.segment);

describe('graphemes', () => {
  it('gives exactly the segmenter’s clusters, across window edges and ASCII runs', () => {
    const samples = [
      'Grüße ☕️ 👩‍👩‍👧‍👦 🇬🇧🇫🇷🇩🇪 a\r\nb\r\n',
      '🇬🇧'.repeat(301) + 'x',
      'e\u0301'.repeat(500),
      'a' + '\u0301'.repeat(1000) + 'b',
      '日本語のテキスト、'.repeat(80) + 'ok',
      '👍🏽'.repeat(200),
      '👩‍👩‍👧‍👦'.repeat(300),
      '👩‍👩‍👧‍👦 '.repeat(300),
      'क्षि'.repeat(300),
      '\u0600' + 'a'.repeat(5) + '\u0600\u0600b',
      '\uD83D'.repeat(3) + 'a\uDC00',
      'x'.repeat(127) + '👩‍👩‍👧‍👦' + 'y',
    ];
    for (const text of samples) {
      expect([...graphemesOf(text)]).toEqual(referenceClusters(text));
    }
  });

  it('stops counting once past the limit', () => {
    expect(countGraphemes('abcdef', 3)).toBe(4);
    expect(countGraphemes('ab', 3)).toBe(2);
  });
});

describe('graphemes against the segmenter, generated text', () => {
  it('matches Intl.Segmenter on any mix of ASCII, marks, emoji parts, flags and lone surrogates', () => {
    const pieces = fc.constantFrom(
      'a',
      ' ',
      '\r',
      '\n',
      '\u0301',
      '\u200d',
      '\ufe0f',
      '👩',
      '🏽',
      '🇬',
      '🇧',
      '日',
      'क',
      '\u094d',
      '\u0600',
      '\ud83d',
      '\udc4d',
      'ᄀ',
      'ᅡ',
      'ᆨ',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 400 }), (parts) => {
        const text = parts.join('');
        expect([...graphemesOf(text)]).toEqual(referenceClusters(text));
      }),
      { numRuns: 300 },
    );
  });
});
