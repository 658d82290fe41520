import { byteRangeOf } from './byte-range';

describe('byteRangeOf', () => {
  it('reads a closed, an open and a suffix range', () => {
    expect(byteRangeOf('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(byteRangeOf('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(byteRangeOf('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
  });

  it('clamps an end past the file, and a suffix longer than the file', () => {
    expect(byteRangeOf('bytes=990-5000', 1000)).toEqual({ start: 990, end: 999 });
    expect(byteRangeOf('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
  });

  it('is unsatisfiable from past the end, for an empty suffix, and for any range of an empty file', () => {
    expect(byteRangeOf('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(byteRangeOf('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(byteRangeOf('bytes=-10', 0)).toBe('unsatisfiable');
    expect(byteRangeOf('bytes=0-', 0)).toBe('unsatisfiable');
  });

  it('sends the whole file for no header, another unit, several ranges, a reversed or a malformed range', () => {
    for (const header of [
      undefined,
      'items=0-1',
      'bytes=0-1,5-9',
      'bytes=50-10',
      'bytes=-',
      'bytes=a-b',
      'bytes=99999999999999999999-',
    ]) {
      expect(byteRangeOf(header, 1000)).toBeUndefined();
    }
  });
});
