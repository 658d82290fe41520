import { MAX_THREAD_PARTS, TID_PATTERN, encodeTid, recordKey, tidTime } from './bluesky-tid';

describe('bluesky record keys (TIDs)', () => {
  const scheduledAt = new Date('2026-12-02T09:15:00.000Z');

  it('encodes the atproto spec’s examples', () => {
    // atproto.com/specs/tid: the zero TID, and the largest TID whose top bit stays zero.
    expect(encodeTid(0n, 0)).toBe('2222222222222');
    expect(encodeTid(2n ** 53n - 1n, 1023)).toBe('bzzzzzzzzzzzz');
  });

  it('derives a valid TID whose time is within a second after the scheduled time', () => {
    for (const id of ['post-1/bluesky', 'post-2/bluesky', 'ünïcødé ☕️']) {
      const key = recordKey(id, scheduledAt);
      expect(key).toMatch(TID_PATTERN);
      const offset = tidTime(key).getTime() - scheduledAt.getTime();
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(1000);
    }
  });

  it('gives the same key on every retry, and different keys to different posts', () => {
    expect(recordKey('post-1/bluesky', scheduledAt)).toBe(recordKey('post-1/bluesky', new Date(scheduledAt)));
    const keys = new Set(
      Array.from({ length: 20_000 }, (_, index) => recordKey(`post-${index}/bluesky`, scheduledAt)),
    );
    expect(keys.size).toBe(20_000);
    expect(recordKey('post-1/bluesky', new Date(scheduledAt.getTime() + 60_000))).not.toBe(
      recordKey('post-1/bluesky', scheduledAt),
    );
  });

  it('gives each part of a thread its own key, in order', () => {
    const parts = Array.from({ length: MAX_THREAD_PARTS }, (_, part) =>
      recordKey('thread/bluesky', scheduledAt, part),
    );
    expect(new Set(parts).size).toBe(MAX_THREAD_PARTS);
    expect([...parts].sort()).toEqual(parts);
    parts.forEach((key) => expect(key).toMatch(TID_PATTERN));
    expect(() => recordKey('thread/bluesky', scheduledAt, MAX_THREAD_PARTS)).toThrow(/at most 100 parts/);
  });

  it('refuses what a TID cannot hold', () => {
    expect(() => encodeTid(2n ** 53n, 0)).toThrow(RangeError);
    expect(() => encodeTid(0n, 1024)).toThrow(RangeError);
    expect(() => recordKey('x', new Date(Number.NaN))).toThrow(/not a valid date/);
  });
});
