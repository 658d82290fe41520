import { measureText } from '../../src/plugin-sdk';
import { threadsTextLength, threadsTextProblem } from './threads-text';

describe('threadsTextLength (Threads Posts › Limitations: 500 characters, emoji counted as UTF-8 bytes)', () => {
  it('counts characters as people see them, and an emoji as its UTF-8 bytes', () => {
    expect(threadsTextLength('Winter blend')).toBe(12);
    expect(threadsTextLength('café')).toBe(4); // é is one character, not two bytes
    expect(threadsTextLength('☕')).toBe(3);
    expect(threadsTextLength('👍')).toBe(4);
    expect(threadsTextLength('👍🏽')).toBe(8); // with its skin tone modifier
    expect(threadsTextLength('🇫🇷')).toBe(8); // a flag: two regional indicators
  });

  it('names the excess where the grapheme count alone would let a text through', () => {
    const text = '👍'.repeat(126);
    expect(measureText(text, { graphemes: 500 }).characters).toBe(126);
    expect(threadsTextProblem(text)).toBe(
      "the text counts 504 of Threads' 500 characters (each emoji counts as its UTF-8 bytes): shorten it by 4",
    );
    expect(threadsTextProblem('x'.repeat(500))).toBeUndefined();
  });
});
