import { createHash } from 'node:crypto';

/** The base32 alphabet of TIDs: sorts the same as the numbers it encodes. */
const SORTABLE_BASE32 = '234567abcdefghijklmnopqrstuvwxyz';

/** A TID as the atproto spec defines it (atproto.com/specs/tid): 13 characters, the top bit zero. */
export const TID_PATTERN = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

/** The most parts a thread may have: part n's record key is n microseconds after part 0's. */
export const MAX_THREAD_PARTS = 100;

const MAX_MICROS = 2n ** 53n;

/** Encodes a TID from microseconds since the Unix epoch (53 bits) and a clock id (10 bits). */
export function encodeTid(micros: bigint, clockId: number): string {
  if (micros < 0n || micros >= MAX_MICROS) {
    throw new RangeError(`a TID holds 0 ≤ microseconds < 2^53, not ${micros}`);
  }
  if (!Number.isInteger(clockId) || clockId < 0 || clockId > 1023) {
    throw new RangeError(`a TID's clock id is an integer from 0 to 1023, not ${clockId}`);
  }
  let value = (micros << 10n) | BigInt(clockId);
  let tid = '';
  for (let i = 0; i < 13; i++) {
    tid = SORTABLE_BASE32[Number(value & 31n)] + tid;
    value >>= 5n;
  }
  return tid;
}

/** The instant a TID carries (milliseconds; the microseconds below are dropped). */
export function tidTime(tid: string): Date {
  let value = 0n;
  for (const char of tid) {
    value = (value << 5n) | BigInt(SORTABLE_BASE32.indexOf(char));
  }
  return new Date(Math.floor(Number(value >> 10n) / 1000));
}

/** How far past the scheduled time a record key's time may lie: one second, in microseconds. */
const SPREAD_MICROS = 1_000_000;

/**
 * The record key of a post (or of part `part` of a thread), the same on every retry of one publish: a TID whose
 * time is the post's scheduled time plus up to a second (microseconds from a hash of the idempotency key, plus
 * the part), and whose clock id comes from the same hash. Two posts of one account scheduled within the same
 * second share a key with a chance of about one in a billion; the connector checks a colliding record's text
 * before claiming it. (The key's time only orders records in the repository; people see `createdAt`.)
 */
export function recordKey(idempotencyKey: string, scheduledAt: Date, part = 0): string {
  if (!Number.isInteger(part) || part < 0 || part >= MAX_THREAD_PARTS) {
    throw new RangeError(`a thread has at most ${MAX_THREAD_PARTS} parts (part ${part} asked for)`);
  }
  const time = scheduledAt.getTime();
  if (Number.isNaN(time)) {
    throw new RangeError('the scheduled time is not a valid date');
  }
  const digest = createHash('sha256').update(idempotencyKey).digest();
  const clockId = digest.readUInt16BE(0) & 0x3ff;
  const offset = digest.readUInt32BE(2) % (SPREAD_MICROS - MAX_THREAD_PARTS);
  return encodeTid(BigInt(time) * 1000n + BigInt(offset + part), clockId);
}
