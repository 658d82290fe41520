import { frameProblems, hasDimensionLimits } from './media-frame.check';

describe('frameProblems', () => {
  const instagram = { aspectRatio: { min: '4:5', max: '1.91:1' }, minWidth: 320, maxWidth: 1440 };

  it('accepts a frame inside every bound, the bounds themselves included', () => {
    expect(frameProblems({ width: 1080, height: 1350 }, instagram)).toEqual([]);
    expect(frameProblems({ width: 1910, height: 1000 }, { aspectRatio: { max: '1.91:1' } })).toEqual([]);
  });

  it('says a frame is too wide or too narrow for the aspect ratio, with the range to crop to', () => {
    expect(frameProblems({ width: 1200, height: 600 }, instagram)).toEqual([
      '1,200 × 600 pixels, aspect ratio 2:1 (2), wider than the widest allowed, 1.91:1: crop it to between 4:5 and 1.91:1',
    ]);
    expect(frameProblems({ width: 1080, height: 1920 }, instagram)).toEqual([
      '1,080 × 1,920 pixels, aspect ratio 9:16 (0.563), narrower than the narrowest allowed, 4:5: crop it to between 4:5 and 1.91:1',
    ]);
    expect(frameProblems({ width: 100, height: 301 }, { aspectRatio: { min: 1 / 3 } })).toEqual([
      expect.stringContaining('narrowest allowed, 0.333: crop it to 0.333 or wider'),
    ]);
  });

  it('says which side is under or over its bound, and the pixel count over its limit', () => {
    expect(frameProblems({ width: 200, height: 250 }, instagram)).toEqual([
      '200 × 250 pixels, 200 wide, under the minimum of 320: use a larger original',
    ]);
    expect(frameProblems({ width: 3840, height: 2160 }, { maxHeight: 1080, maxPixels: 2_304_000 })).toEqual([
      '3,840 × 2,160 pixels, 2,160 high, over the maximum of 1,080: scale it down',
      '3,840 × 2,160 pixels (8,294,400 pixels), over the limit of 2,304,000 pixels: scale it down',
    ]);
  });

  it('knows whether any dimension is declared', () => {
    expect(hasDimensionLimits(undefined)).toBe(false);
    expect(hasDimensionLimits({})).toBe(false);
    expect(hasDimensionLimits({ aspectRatio: {} })).toBe(false);
    expect(hasDimensionLimits({ aspectRatio: { max: 2 } })).toBe(true);
    expect(hasDimensionLimits({ maxPixels: 10 })).toBe(true);
  });
});
