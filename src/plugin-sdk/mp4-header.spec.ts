import { box, mp4 } from '../../test/content/media-headers';
import { bytesSource, type HeaderSource } from './header-source';
import { readMp4Header } from './mp4-header';

function counting(bytes: Uint8Array): HeaderSource & { reads: number } {
  const inner = bytesSource(bytes);
  const source = {
    size: inner.size,
    reads: 0,
    readAt(position: number, length: number) {
      source.reads++;
      return inner.readAt(position, length);
    },
  };
  return source;
}

const headerOf = (bytes: Buffer) => readMp4Header(bytesSource(bytes));

describe('readMp4Header', () => {
  it('reads duration and the video track frame, version 0 and 1', async () => {
    expect(await headerOf(mp4({ seconds: 12.5, width: 1920, height: 1080 }))).toEqual({
      seconds: 12.5,
      width: 1920,
      height: 1080,
    });
    expect(await headerOf(mp4({ seconds: 3600, width: 640, height: 360, version: 1 }))).toEqual({
      seconds: 3600,
      width: 640,
      height: 360,
    });
  });

  it('shows a quarter-turned track upright, and skips an audio track before the video one', async () => {
    expect(
      await headerOf(mp4({ seconds: 9, width: 1920, height: 1080, quarterTurn: true, audioFirst: true })),
    ).toEqual({
      seconds: 9,
      width: 1080,
      height: 1920,
    });
  });

  it('has no frame for a file without a video track, and says nothing for a file without a movie header', async () => {
    expect(await headerOf(mp4({ seconds: 30, audioFirst: true }))).toEqual({ seconds: 30 });
    expect(await headerOf(Buffer.from('plain text, not a video'))).toBeUndefined();
  });

  it('reads a bounded number of box headers in a movie of endless tiny boxes or audio tracks', async () => {
    const audio = box('trak', box('tkhd', Buffer.alloc(84)));
    const tracks = counting(box('moov', ...Array.from({ length: 1000 }, () => audio)));
    expect(await readMp4Header(tracks)).toEqual({});
    expect(tracks.reads).toBeLessThanOrEqual(64 + 8 * 2 + 1);
    const tiny = Array.from({ length: 50_000 }, () => box('free'));
    const source = counting(box('moov', ...tiny, box('mvhd', Buffer.alloc(20))));
    expect(await readMp4Header(source)).toEqual({});
    expect(source.reads).toBeLessThanOrEqual(200);
  });

  it('survives hundreds of truncated and corrupted headers without throwing, in bounded reads', async () => {
    let state = 0x1234567;
    const next = () => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) / 0x100000000;
    };
    const originals = [
      mp4({ seconds: 10, width: 1080, height: 1920 }),
      mp4({ seconds: 10, width: 1080, height: 1920, version: 1, audioFirst: true, quarterTurn: true }),
    ];
    const cases: Buffer[] = [];
    for (const original of originals) {
      for (let length = 0; length < original.length; length += 2) {
        cases.push(original.subarray(0, length));
      }
      for (let n = 0; n < 150; n++) {
        const corrupt = Buffer.from(original);
        for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--) {
          corrupt[Math.floor(next() * corrupt.length)] = Math.floor(next() * 256);
        }
        cases.push(corrupt);
      }
    }
    expect(cases.length).toBeGreaterThan(400);
    for (const bytes of cases) {
      const source = counting(bytes);
      const header = await readMp4Header(source);
      // Boxes to moov and inside it, plus per track looked into (8 at most): its boxes up to tkhd, and tkhd itself.
      expect(source.reads).toBeLessThanOrEqual(64 + 64 + 1 + 8 * (64 + 1));
      if (header?.seconds !== undefined) {
        expect(Number.isFinite(header.seconds)).toBe(true);
      }
    }
  });
});
