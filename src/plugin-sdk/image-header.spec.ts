import { gif, jpeg, png, webp } from '../../test/content/media-headers';
import { bytesSource, type HeaderSource } from './header-source';
import { readImageHeader } from './image-header';

/** A source that counts what the reader asks for: reads and bytes. */
function counting(bytes: Uint8Array): HeaderSource & { reads: number; bytesAsked: number } {
  const inner = bytesSource(bytes);
  const source = {
    size: inner.size,
    reads: 0,
    bytesAsked: 0,
    readAt(position: number, length: number) {
      source.reads++;
      source.bytesAsked += length;
      return inner.readAt(position, length);
    },
  };
  return source;
}

const sizeOf = async (bytes: Buffer) => {
  const header = await readImageHeader(bytesSource(bytes));
  return (
    header && { format: header.format, mimeType: header.mimeType, width: header.width, height: header.height }
  );
};

/** A deterministic pseudo-random sequence (no flaky fuzzing): xorshift32. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

describe('readImageHeader', () => {
  it('reads PNG and GIF sizes', async () => {
    expect(await sizeOf(png(1080, 1350))).toEqual({
      format: 'png',
      mimeType: 'image/png',
      width: 1080,
      height: 1350,
    });
    expect(await sizeOf(gif(320, 240))).toEqual({
      format: 'gif',
      mimeType: 'image/gif',
      width: 320,
      height: 240,
    });
  });

  it('reads the three WebP kinds: lossy, lossless and extended', async () => {
    expect(await sizeOf(webp('VP8', 1200, 627))).toMatchObject({ format: 'webp', width: 1200, height: 627 });
    expect(await sizeOf(webp('VP8L', 4000, 3000))).toMatchObject({ width: 4000, height: 3000 });
    expect(await sizeOf(webp('VP8X', 16383, 10000))).toMatchObject({ width: 16383, height: 10000 });
  });

  it('walks a JPEG past its APPn segments to the frame header, baseline or progressive, fill bytes allowed', async () => {
    expect(await sizeOf(jpeg(1920, 1080))).toEqual({
      format: 'jpeg',
      mimeType: 'image/jpeg',
      width: 1920,
      height: 1080,
    });
    expect(await sizeOf(jpeg(800, 600, { progressive: true, fill: true }))).toMatchObject({
      width: 800,
      height: 600,
    });
  });

  it('swaps width and height when the EXIF orientation turns the picture a quarter, in both byte orders', async () => {
    expect(await sizeOf(jpeg(4032, 3024, { orientation: 6, byteOrder: 'MM' }))).toMatchObject({
      width: 3024,
      height: 4032,
    });
    expect(await sizeOf(jpeg(4032, 3024, { orientation: 8, byteOrder: 'II' }))).toMatchObject({
      width: 3024,
      height: 4032,
    });
    expect(await sizeOf(jpeg(4032, 3024, { orientation: 3 }))).toMatchObject({ width: 4032, height: 3024 });
  });

  it('says nothing for bytes that are no image, or an image of zero pixels', async () => {
    expect(await sizeOf(Buffer.from('plain text, not an image at all'))).toBeUndefined();
    expect(await sizeOf(Buffer.alloc(0))).toBeUndefined();
    expect(await sizeOf(png(0, 10))).toBeUndefined();
    expect(await sizeOf(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBeUndefined();
  });

  it('gives up on a JPEG of endless tiny segments after a bounded number of small reads', async () => {
    const tinySegment = Buffer.from([0xff, 0xe2, 0, 2]); // an APP2 segment with no body
    const endless = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      ...Array.from({ length: 100_000 }, () => tinySegment),
    ]);
    const source = counting(endless);
    expect(await readImageHeader(source)).toBeUndefined();
    expect(source.reads).toBeLessThanOrEqual(260);
  });

  it('survives hundreds of truncated and corrupted headers: no throw, bounded reads, a sane answer or none', async () => {
    const next = random(0x5eed);
    const originals = [
      png(640, 480),
      gif(10, 10),
      webp('VP8', 300, 200),
      webp('VP8L', 300, 200),
      webp('VP8X', 300, 200),
      jpeg(1024, 768, { orientation: 6 }),
      jpeg(1024, 768, { orientation: 6, byteOrder: 'II', progressive: true }),
    ];
    const cases: Buffer[] = [];
    for (const original of originals) {
      for (let length = 0; length < original.length; length += 3) {
        cases.push(original.subarray(0, length));
      }
      for (let n = 0; n < 40; n++) {
        const corrupt = Buffer.from(original);
        for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--) {
          corrupt[Math.floor(next() * corrupt.length)] = Math.floor(next() * 256);
        }
        cases.push(corrupt);
      }
    }
    for (let n = 0; n < 200; n++) {
      const noise = Buffer.alloc(4 + Math.floor(next() * 200));
      noise.forEach((_, index) => (noise[index] = Math.floor(next() * 256)));
      // Half the noise starts like a JPEG, so the segment walk sees garbage lengths and markers.
      if (n % 2 === 0) {
        noise.set([0xff, 0xd8, 0xff], 0);
      }
      cases.push(noise);
    }
    expect(cases.length).toBeGreaterThan(500);
    for (const bytes of cases) {
      const source = counting(bytes);
      const header = await readImageHeader(source);
      expect(source.reads).toBeLessThanOrEqual(260);
      expect(source.bytesAsked).toBeLessThanOrEqual(300 * 1024);
      if (header) {
        expect(header.width).toBeGreaterThan(0);
        expect(header.height).toBeGreaterThan(0);
      }
    }
  });
});
