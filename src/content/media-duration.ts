import { readMp4Header, type HeaderSource } from '../plugin-sdk';

/**
 * The duration in seconds of an MP4 or QuickTime file, from its movie header (`moov` → `mvhd`), reading only the
 * box headers on the way; undefined when the file has no readable header (then the platform decides).
 */
export async function mediaDurationSeconds(file: HeaderSource): Promise<number | undefined> {
  return (await readMp4Header(file))?.seconds;
}
