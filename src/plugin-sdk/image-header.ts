import { readBuffer, type HeaderSource } from './header-source';

export interface FrameSize {
  width: number;
  height: number;
}

export interface ImageHeader extends FrameSize {
  format: 'png' | 'jpeg' | 'gif' | 'webp';
  /** The MIME type the bytes say, whatever the file's name says. */
  mimeType: string;
}

/** JPEG segments walked before giving up: the frame header follows a handful of APPn/DQT/DHT segments. */
const MAX_JPEG_SEGMENTS = 256;
/** EXIF orientations that turn the picture a quarter: width and height swap on screen. */
const QUARTER_TURNS = new Set([5, 6, 7, 8]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The pixel size of a PNG, JPEG (EXIF orientation applied), GIF or WebP image, read from its header only: a few
 * small reads, bounded whatever the file says. undefined when the bytes are none of these or the header is broken.
 */
export async function readImageHeader(source: HeaderSource): Promise<ImageHeader | undefined> {
  const head = await readBuffer(source, 0, 32);
  let header: ImageHeader | undefined;
  if (
    head.length >= 24 &&
    head.subarray(0, 8).equals(PNG_SIGNATURE) &&
    head.toString('latin1', 12, 16) === 'IHDR'
  ) {
    header = {
      format: 'png',
      mimeType: 'image/png',
      width: head.readUInt32BE(16),
      height: head.readUInt32BE(20),
    };
  } else if (head.length >= 10 && /^GIF8[79]a$/.test(head.toString('latin1', 0, 6))) {
    header = {
      format: 'gif',
      mimeType: 'image/gif',
      width: head.readUInt16LE(6),
      height: head.readUInt16LE(8),
    };
  } else if (
    head.length >= 30 &&
    head.toString('latin1', 0, 4) === 'RIFF' &&
    head.toString('latin1', 8, 12) === 'WEBP'
  ) {
    header = webpSize(head);
  } else if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) {
    header = await jpegSize(source);
  }
  return header && header.width > 0 && header.height > 0 ? header : undefined;
}

function webpSize(head: Buffer): ImageHeader | undefined {
  const chunk = head.toString('latin1', 12, 16);
  const webp = (width: number, height: number): ImageHeader => ({
    format: 'webp',
    mimeType: 'image/webp',
    width,
    height,
  });
  if (chunk === 'VP8 ' && head[23] === 0x9d && head[24] === 0x01 && head[25] === 0x2a) {
    return webp(head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L' && head[20] === 0x2f) {
    const bits = head.readUInt32LE(21);
    return webp((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    return webp(head.readUIntLE(24, 3) + 1, head.readUIntLE(27, 3) + 1);
  }
  return undefined;
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic): not DHT (C4), JPG (C8) or DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the JPEG's segments to its frame header, reading only marker and length unless a segment is EXIF. */
async function jpegSize(source: HeaderSource): Promise<ImageHeader | undefined> {
  let at = 2;
  let orientation = 1;
  for (let count = 0; count < MAX_JPEG_SEGMENTS; count++) {
    const head = await readBuffer(source, at, 4);
    if (head.length < 2 || head[0] !== 0xff) {
      return undefined;
    }
    const marker = head[1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda || head.length < 4) {
      return undefined; // end of image or scan data before any frame header
    }
    const length = head.readUInt16BE(2);
    if (length < 2) {
      return undefined;
    }
    if (isStartOfFrame(marker)) {
      const frame = await readBuffer(source, at + 5, 4);
      if (frame.length < 4) {
        return undefined;
      }
      const [height, width] = [frame.readUInt16BE(0), frame.readUInt16BE(2)];
      return QUARTER_TURNS.has(orientation)
        ? { format: 'jpeg', mimeType: 'image/jpeg', width: height, height: width }
        : { format: 'jpeg', mimeType: 'image/jpeg', width, height };
    }
    if (marker === 0xe1) {
      orientation = exifOrientation(await readBuffer(source, at + 4, length - 2)) ?? orientation;
    }
    at += 2 + length;
  }
  return undefined;
}

/** The orientation tag (0x0112) of an APP1 segment's EXIF IFD0, if it has one. */
function exifOrientation(body: Buffer): number | undefined {
  if (body.length < 14 || body.toString('latin1', 0, 6) !== 'Exif\0\0') {
    return undefined;
  }
  const tiff = body.subarray(6);
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') {
    return undefined;
  }
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) {
    return undefined;
  }
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) {
    return undefined;
  }
  const entries = u16(ifd);
  for (let index = 0; index < entries; index++) {
    const entry = ifd + 2 + index * 12;
    if (entry + 12 > tiff.length) {
      return undefined;
    }
    if (u16(entry) === 0x0112) {
      return u16(entry + 8);
    }
  }
  return undefined;
}
