import type { OpenMediaFile } from '../plugin-sdk/media-file';

/** Boxes read before giving up: a real file has `moov` among its first few. */
const MAX_BOXES = 64;

/**
 * The duration in seconds of an MP4 or QuickTime file, from its movie header (`moov` → `mvhd`), reading only the
 * box headers on the way; undefined when the file has no readable header (then the platform decides).
 */
export async function mediaDurationSeconds(file: OpenMediaFile): Promise<number | undefined> {
  const moov = await findBox(file, 0, file.size, 'moov');
  if (!moov) {
    return undefined;
  }
  const mvhd = await findBox(file, moov.body, moov.end, 'mvhd');
  if (!mvhd) {
    return undefined;
  }
  const header = Buffer.from(await file.readAt(mvhd.body, 32));
  if (header.length < 20) {
    return undefined;
  }
  const version = header.readUInt8(0);
  if (version === 1 && header.length >= 32) {
    const timescale = header.readUInt32BE(20);
    return timescale > 0 ? Number(header.readBigUInt64BE(24)) / timescale : undefined;
  }
  const timescale = header.readUInt32BE(12);
  return timescale > 0 ? header.readUInt32BE(16) / timescale : undefined;
}

async function findBox(
  file: OpenMediaFile,
  from: number,
  to: number,
  type: string,
): Promise<{ body: number; end: number } | undefined> {
  let at = from;
  for (let count = 0; count < MAX_BOXES && at + 8 <= to; count++) {
    const head = Buffer.from(await file.readAt(at, 16));
    if (head.length < 8) {
      return undefined;
    }
    let size = head.readUInt32BE(0);
    let body = at + 8;
    if (size === 1 && head.length >= 16) {
      size = Number(head.readBigUInt64BE(8));
      body = at + 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < body - at) {
      return undefined;
    }
    if (head.toString('latin1', 4, 8) === type) {
      return { body, end: Math.min(to, at + size) };
    }
    at += size;
  }
  return undefined;
}
