import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openContainedFile } from '../plugin-sdk/media-file';
import { mediaDurationSeconds } from './media-duration';

function box(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** The smallest MP4 header that carries a duration: ftyp, then moov with an mvhd (version 0 or 1). */
function mp4(timescale: number, duration: number, version: 0 | 1): Buffer {
  const mvhd = Buffer.alloc(version === 1 ? 32 : 20);
  mvhd.writeUInt8(version, 0);
  if (version === 1) {
    mvhd.writeUInt32BE(timescale, 20);
    mvhd.writeBigUInt64BE(BigInt(duration), 24);
  } else {
    mvhd.writeUInt32BE(timescale, 12);
    mvhd.writeUInt32BE(duration, 16);
  }
  return Buffer.concat([
    box('ftyp', Buffer.from('isom0000')),
    box('free', Buffer.alloc(100)),
    box('moov', box('mvhd', mvhd)),
  ]);
}

describe('mediaDurationSeconds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-mp4-'));

  async function durationOf(name: string, bytes: Buffer): Promise<number | undefined> {
    writeFileSync(join(dir, name), bytes);
    const file = await openContainedFile(join(dir, name), dir);
    try {
      return await mediaDurationSeconds(file!);
    } finally {
      await file!.close();
    }
  }

  it('reads the duration from the movie header, version 0 and 1', async () => {
    expect(await durationOf('short.mp4', mp4(1000, 90_500, 0))).toBe(90.5);
    expect(await durationOf('long.mp4', mp4(600, 600 * 3600, 1))).toBe(3600);
  });

  it('says nothing for a file without a movie header', async () => {
    expect(await durationOf('not.mp4', Buffer.from('plain text, not a video'))).toBeUndefined();
  });
});
