/** Bytes `start` to `end`, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * The one byte range a `Range` header asks of a file of `size` bytes (RFC 9110 §14): undefined means "send the whole
 * file", which a server may always do, so a header that is absent, malformed or asks for several ranges gets the
 * whole file; 'unsatisfiable' (416) when the range starts past the end or asks for a zero-length suffix.
 */
export function byteRangeOf(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : SINGLE_RANGE.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) {
    return undefined;
  }
  const first = match[1] === '' ? undefined : Number(match[1]);
  const last = match[2] === '' ? undefined : Number(match[2]);
  if (
    (first !== undefined && !Number.isSafeInteger(first)) ||
    (last !== undefined && !Number.isSafeInteger(last))
  ) {
    return undefined;
  }
  if (first === undefined) {
    // bytes=-N: the last N bytes.
    return last === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - last!), end: size - 1 };
  }
  if (last !== undefined && last < first) {
    return undefined;
  }
  if (first >= size) {
    return 'unsatisfiable';
  }
  return { start: first, end: Math.min(last ?? size - 1, size - 1) };
}
