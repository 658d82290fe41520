import { int64Strings } from './tiktok-api';
import { captionOf, TIKTOK_CAPTION_LIMIT } from './tiktok-text';
import { chunkPlan, chunkRange, failReasonWords } from './tiktok.connector';

const MB = 1024 * 1024;

describe('tiktok caption, chunks and ids', () => {
  it('counts the caption in UTF-16 units, as TikTok does', () => {
    expect(captionOf('  Hello #coffee  ')).toEqual({ caption: 'Hello #coffee' });
    expect(captionOf('a'.repeat(TIKTOK_CAPTION_LIMIT)).problem).toBeUndefined();
    // 1,101 emoji are 1,101 graphemes but 2,202 UTF-16 units.
    expect(captionOf('🎉'.repeat(1_101)).problem).toContain('2202 UTF-16 units');
  });

  it('plans chunks as the media transfer guide says', () => {
    expect(chunkPlan(3 * MB, 10 * MB)).toEqual({ chunkSize: 3 * MB, totalChunks: 1 });
    expect(chunkPlan(8 * MB, 10 * MB)).toEqual({ chunkSize: 8 * MB, totalChunks: 1 });
    expect(chunkPlan(25 * MB + 7, 10 * MB)).toEqual({ chunkSize: 10 * MB, totalChunks: 2 });
    const plan = chunkPlan(25 * MB + 7, 10 * MB);
    expect(chunkRange(0, plan, 25 * MB + 7)).toEqual({ first: 0, last: 10 * MB - 1 });
    // The last chunk takes the trailing bytes.
    expect(chunkRange(1, plan, 25 * MB + 7)).toEqual({ first: 10 * MB, last: 25 * MB + 6 });
  });

  it('reads 64-bit ids from the raw answer without losing digits', () => {
    const text = '{"data":{"publicaly_available_post_id":[7351234567890123457],"status":"PUBLISH_COMPLETE"}}';
    expect(int64Strings(text, 'publicaly_available_post_id')).toEqual(['7351234567890123457']);
    expect(String(JSON.parse(text).data.publicaly_available_post_id[0])).not.toBe('7351234567890123457');
    expect(
      int64Strings('{"data":{"publicaly_available_post_id":[]}}', 'publicaly_available_post_id'),
    ).toEqual([]);
  });

  it('words TikTok’s fail reasons for a person', () => {
    expect(failReasonWords('frame_rate_check_failed')).toContain('23–60 frames per second');
    expect(failReasonWords('new_reason')).toContain('fail_reason new_reason');
  });
});
