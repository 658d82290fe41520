/**
 * The smallest files whose headers say a pixel size or a duration, built in code so no binary is committed:
 * PNG, GIF, WebP (VP8, VP8L, VP8X), JPEG (JFIF, EXIF orientation, progressive) and MP4 (movie and track headers).
 */

function u16be(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

function u32be(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
}

export function png(width: number, height: number): Buffer {
  const ihdr = Buffer.concat([u32be(width), u32be(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    u32be(13),
    Buffer.from('IHDR'),
    ihdr,
    u32be(0), // CRC: not checked by the reader
    u32be(0),
    Buffer.from('IEND'),
    u32be(0),
  ]);
}

export function gif(width: number, height: number): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  return Buffer.concat([Buffer.from('GIF89a'), screen, Buffer.from(';')]);
}

function riff(chunk: string, body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4 + 8 + body.length);
  const chunkSize = Buffer.alloc(4);
  chunkSize.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from('RIFF'), size, Buffer.from('WEBP'), Buffer.from(chunk), chunkSize, body]);
}

export function webp(kind: 'VP8' | 'VP8L' | 'VP8X', width: number, height: number): Buffer {
  const body = Buffer.alloc(20);
  if (kind === 'VP8') {
    body.set([0x9d, 0x01, 0x2a], 3);
    body.writeUInt16LE(width, 6);
    body.writeUInt16LE(height, 8);
    return riff('VP8 ', body);
  }
  if (kind === 'VP8L') {
    body[0] = 0x2f;
    body.writeUInt32LE(((width - 1) | ((height - 1) << 14)) >>> 0, 1);
    return riff('VP8L', body);
  }
  body.writeUIntLE(width - 1, 4, 3);
  body.writeUIntLE(height - 1, 7, 3);
  return riff('VP8X', body);
}

function segment(marker: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xff, marker]), u16be(body.length + 2), body]);
}

/** EXIF APP1 body with IFD0 holding one other tag and then the orientation. */
function exif(orientation: number, order: 'II' | 'MM'): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 24 + 4);
  const little = order === 'II';
  const w16 = (value: number, at: number) =>
    little ? tiff.writeUInt16LE(value, at) : tiff.writeUInt16BE(value, at);
  const w32 = (value: number, at: number) =>
    little ? tiff.writeUInt32LE(value, at) : tiff.writeUInt32BE(value, at);
  tiff.write(order, 0, 'latin1');
  w16(42, 2);
  w32(8, 4);
  w16(2, 8);
  w16(0x010f, 10); // Make, a tag before the orientation
  w16(2, 12);
  w32(4, 14);
  w16(0x0112, 22);
  w16(3, 24);
  w32(1, 26);
  w16(orientation, 30);
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

export interface JpegOptions {
  orientation?: number;
  byteOrder?: 'II' | 'MM';
  progressive?: boolean;
  /** Fill bytes (0xFF) before the frame header's marker, which the format allows. */
  fill?: boolean;
}

export function jpeg(width: number, height: number, options: JpegOptions = {}): Buffer {
  const frame = Buffer.concat([
    Buffer.from([8]),
    u16be(height),
    u16be(width),
    Buffer.from([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
  ]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    ...(options.orientation ? [segment(0xe1, exif(options.orientation, options.byteOrder ?? 'MM'))] : []),
    segment(0xdb, Buffer.alloc(65)),
    ...(options.fill ? [Buffer.from([0xff, 0xff])] : []),
    segment(options.progressive ? 0xc2 : 0xc0, frame),
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0xd9]),
  ]);
}

export function box(type: string, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

function tkhd(width: number, height: number, version: 0 | 1, quarterTurn: boolean): Buffer {
  const matrixAt = version === 1 ? 52 : 40;
  const body = Buffer.alloc(matrixAt + 44);
  body.writeUInt8(version, 0);
  const one = 0x00010000;
  // Identity, or a quarter turn (a = d = 0, b = 1, c = -1) as phones write upright video.
  body.writeInt32BE(quarterTurn ? 0 : one, matrixAt);
  body.writeInt32BE(quarterTurn ? one : 0, matrixAt + 4);
  body.writeInt32BE(quarterTurn ? -one : 0, matrixAt + 12);
  body.writeInt32BE(quarterTurn ? 0 : one, matrixAt + 16);
  body.writeInt32BE(0x40000000, matrixAt + 32);
  body.writeUInt32BE(width * 65536, matrixAt + 36);
  body.writeUInt32BE(height * 65536, matrixAt + 40);
  return box('tkhd', body);
}

export interface Mp4Options {
  seconds: number;
  width?: number;
  height?: number;
  version?: 0 | 1;
  /** The track is turned a quarter (stored landscape, shown portrait). */
  quarterTurn?: boolean;
  /** An audio track (0 × 0) comes first, as some encoders write it. */
  audioFirst?: boolean;
}

export function mp4(options: Mp4Options): Buffer {
  const version = options.version ?? 0;
  const timescale = 1000;
  const mvhd = Buffer.alloc(version === 1 ? 32 : 20);
  mvhd.writeUInt8(version, 0);
  if (version === 1) {
    mvhd.writeUInt32BE(timescale, 20);
    mvhd.writeBigUInt64BE(BigInt(Math.round(options.seconds * timescale)), 24);
  } else {
    mvhd.writeUInt32BE(timescale, 12);
    mvhd.writeUInt32BE(Math.round(options.seconds * timescale), 16);
  }
  const tracks: Buffer[] = [];
  if (options.audioFirst) {
    tracks.push(box('trak', tkhd(0, 0, version, false), box('mdia')));
  }
  if (options.width !== undefined && options.height !== undefined) {
    tracks.push(
      box('trak', tkhd(options.width, options.height, version, options.quarterTurn ?? false), box('mdia')),
    );
  }
  return Buffer.concat([
    box('ftyp', Buffer.from('isom0000')),
    box('free', Buffer.alloc(64)),
    box('moov', box('mvhd', mvhd), ...tracks),
    box('mdat', Buffer.alloc(16)),
  ]);
}
