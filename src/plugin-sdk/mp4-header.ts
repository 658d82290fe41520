import { readBuffer, type HeaderSource } from './header-source';

/** Boxes read per level before giving up: a real file has `moov` among its first few, and few boxes inside it. */
const MAX_BOXES = 64;
/** Tracks looked into for a picture: a video track is among the first few (audio, subtitles and timecode follow). */
const MAX_TRACKS = 8;

/** What an MP4 or QuickTime file's movie header says. */
export interface Mp4Header {
  /** From the movie header (`mvhd`); undefined when it has none or no timescale. */
  seconds?: number;
  /** The first video track's frame as shown (`tkhd` size, its rotation applied); undefined without a video track. */
  width?: number;
  height?: number;
}

/**
 * Duration and frame size of an MP4 or QuickTime file from its `moov` box (`mvhd`, and each `trak`'s `tkhd`),
 * reading only box headers on the way: a bounded number of small reads whatever the file says. undefined when the
 * file has no movie header.
 */
export async function readMp4Header(source: HeaderSource): Promise<Mp4Header | undefined> {
  const moov = await findBox(source, 0, source.size, 'moov');
  if (!moov) {
    return undefined;
  }
  const header: Mp4Header = {};
  let at = moov.body;
  let tracks = 0;
  for (let count = 0; count < MAX_BOXES; count++) {
    const box = await nextBox(source, at, moov.end);
    if (!box) {
      break;
    }
    if (box.type === 'mvhd') {
      header.seconds = await movieSeconds(source, box.body);
    } else if (box.type === 'trak' && header.width === undefined && tracks++ < MAX_TRACKS) {
      const tkhd = await findBox(source, box.body, box.end, 'tkhd');
      const frame = tkhd ? await trackFrame(source, tkhd.body) : undefined;
      Object.assign(header, frame);
    }
    at = box.end;
  }
  return header;
}

async function movieSeconds(source: HeaderSource, at: number): Promise<number | undefined> {
  const mvhd = await readBuffer(source, at, 32);
  if (mvhd.length < 20) {
    return undefined;
  }
  if (mvhd.readUInt8(0) === 1) {
    if (mvhd.length < 32) {
      return undefined;
    }
    const timescale = mvhd.readUInt32BE(20);
    return timescale > 0 ? Number(mvhd.readBigUInt64BE(24)) / timescale : undefined;
  }
  const timescale = mvhd.readUInt32BE(12);
  return timescale > 0 ? mvhd.readUInt32BE(16) / timescale : undefined;
}

/**
 * A track header's width and height (16.16 fixed point), swapped when its matrix turns the picture a quarter (a
 * phone video shot upright). undefined for a track without a picture (audio: 0 × 0).
 */
async function trackFrame(
  source: HeaderSource,
  at: number,
): Promise<{ width: number; height: number } | undefined> {
  const tkhd = await readBuffer(source, at, 96);
  const version = tkhd.length > 0 ? tkhd.readUInt8(0) : -1;
  // Version 1 has 64-bit times and duration: everything after them sits 12 bytes further.
  const matrix = version === 1 ? 52 : version === 0 ? 40 : -1;
  if (matrix < 0 || tkhd.length < matrix + 44) {
    return undefined;
  }
  const width = Math.round(tkhd.readUInt32BE(matrix + 36) / 65536);
  const height = Math.round(tkhd.readUInt32BE(matrix + 40) / 65536);
  if (width === 0 || height === 0) {
    return undefined;
  }
  const [a, d] = [tkhd.readInt32BE(matrix), tkhd.readInt32BE(matrix + 16)];
  return a === 0 && d === 0 ? { width: height, height: width } : { width, height };
}

interface Box {
  type: string;
  body: number;
  end: number;
}

async function nextBox(source: HeaderSource, at: number, to: number): Promise<Box | undefined> {
  if (at + 8 > to) {
    return undefined;
  }
  const head = await readBuffer(source, at, 16);
  if (head.length < 8) {
    return undefined;
  }
  let size = head.readUInt32BE(0);
  let body = at + 8;
  if (size === 1) {
    if (head.length < 16) {
      return undefined;
    }
    size = Number(head.readBigUInt64BE(8));
    body = at + 16;
  } else if (size === 0) {
    size = to - at;
  }
  if (size < body - at) {
    return undefined;
  }
  return { type: head.toString('latin1', 4, 8), body, end: Math.min(to, at + size) };
}

async function findBox(
  source: HeaderSource,
  from: number,
  to: number,
  type: string,
): Promise<Box | undefined> {
  let at = from;
  for (let count = 0; count < MAX_BOXES; count++) {
    const box = await nextBox(source, at, to);
    if (!box) {
      return undefined;
    }
    if (box.type === type) {
      return box;
    }
    at = box.end;
  }
  return undefined;
}
