import { graphemeCount } from './grapheme-count';

describe('graphemeCount', () => {
  it('counts what people see as characters', () => {
    expect(graphemeCount('Grüße ☕️ 👩‍👩‍👧‍👦 🇬🇧')).toBe(11);
  });

  it('counts a large text in linear time (Node 20’s segmenter alone takes minutes for this)', () => {
    const text = 'Fresh beans, roasted on Tuesday. '.repeat(30_000); // ~1 MB
    const started = Date.now();
    expect(graphemeCount(text)).toBe(text.length);
    // Generous: linear counting takes well under a second; the quadratic segmenter walk took > 10 minutes.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
