import { aspectRatioValue, describeAspectRatio } from './aspect-ratio';

describe('aspect ratios', () => {
  it('reads "w:h" strings and numbers as width ÷ height', () => {
    expect(aspectRatioValue('4:5')).toBe(0.8);
    expect(aspectRatioValue('1.91:1')).toBe(1.91);
    expect(aspectRatioValue(' 16 : 9 ')).toBeCloseTo(1.7778, 4);
    expect(aspectRatioValue(0.5625)).toBe(0.5625);
  });

  it('refuses what is not a positive, finite ratio', () => {
    for (const bad of [
      '4/5',
      '4:0',
      '0:5',
      '-4:5',
      'wide',
      '',
      '4:5:6',
      0,
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]) {
      expect(aspectRatioValue(bad)).toBeUndefined();
    }
  });

  it('describes a frame in lowest terms with its value', () => {
    expect(describeAspectRatio(1080, 1350)).toBe('4:5 (0.8)');
    expect(describeAspectRatio(1000, 333)).toBe('1000:333 (3.003)');
  });
});
