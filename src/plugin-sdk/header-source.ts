import type { OpenMediaFile } from './media-file';

/** Where a header reader reads from: an open media file, or bytes a connector already holds (`bytesSource`). */
export type HeaderSource = Pick<OpenMediaFile, 'size' | 'readAt'>;

/** A header source over bytes in memory. */
export function bytesSource(bytes: Uint8Array): HeaderSource {
  return {
    size: bytes.length,
    readAt: (position, length) =>
      Promise.resolve(
        position >= bytes.length || position < 0
          ? new Uint8Array(0)
          : bytes.subarray(position, Math.min(bytes.length, position + length)),
      ),
  };
}

/** `length` bytes from `position` as a Buffer (shorter at the end of the file). */
export async function readBuffer(source: HeaderSource, position: number, length: number): Promise<Buffer> {
  if (!Number.isSafeInteger(position) || position < 0 || position >= source.size) {
    return Buffer.alloc(0);
  }
  const bytes = await source.readAt(position, Math.min(length, source.size - position));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
