import { PermanentError, type PublishRequest } from '../../src/plugin-sdk';
import { youtubeOptionsSchema } from './youtube-options.schema';
import {
  markerTagOf,
  planOf,
  tagsLength,
  textOfDescription,
  titleOf,
  videoResourceOf,
  withoutAngles,
} from './youtube-video';

const options = youtubeOptionsSchema.parse({});
const now = new Date('2026-12-07T12:00:00Z');
const request = (extra: Partial<PublishRequest> = {}): PublishRequest => ({
  idempotencyKey: 'post-1:yt',
  title: 'Winter blend',
  text: 'Our winter blend is here.',
  media: [],
  scheduledAt: now,
  extra: {},
  ...extra,
});

describe('youtube video resource', () => {
  it('builds snippet and status from the post: title, description, tags with the marker, category, privacy', () => {
    const plan = planOf(
      request({ extra: { tags: ['coffee', 'slow roast'], categoryId: '26' } }),
      options,
      now,
    );
    expect(videoResourceOf(plan)).toEqual({
      snippet: {
        title: 'Winter blend',
        description: 'Our winter blend is here.',
        tags: ['coffee', 'slow roast', markerTagOf('post-1:yt')],
        categoryId: '26',
      },
      status: { privacyStatus: 'public', selfDeclaredMadeForKids: false },
    });
  });

  it('marks each key with its own stable tag', () => {
    expect(markerTagOf('a')).toMatch(/^mtr-[0-9a-f]{16}$/);
    expect(markerTagOf('a')).toBe(markerTagOf('a'));
    expect(markerTagOf('a')).not.toBe(markerTagOf('b'));
  });

  it('writes "<" and ">" as full-width signs in titles and descriptions, and reads them back', () => {
    expect(withoutAngles('a <b> c')).toBe('a ＜b＞ c');
    expect(textOfDescription(withoutAngles('x -> y <3'))).toBe('x -> y <3');
    expect(titleOf(request({ title: '<Launch>' }))).toBe('＜Launch＞');
  });

  it('falls back to the first line of the text for a post stored without a title, at most 100 characters', () => {
    expect(titleOf(request({ title: undefined, text: 'First line\nsecond' }))).toBe('First line');
    expect(titleOf(request({ title: undefined, text: '👍🏽'.repeat(120) }))).toBe('👍🏽'.repeat(100));
    expect(() => titleOf(request({ title: '  ', text: '' }))).toThrow(PermanentError);
  });

  it('counts tags as YouTube does (quotes around tags with spaces, commas between) and refuses more than 500', () => {
    expect(tagsLength(['a', 'b c'])).toBe(1 + 5 + 1);
    const many = Array.from({ length: 100 }, (_, i) => `tag${i}`);
    expect(() => planOf(request({ extra: { tags: many } }), options, now)).toThrow(/extra.tags/);
  });

  it('refuses a description over 5,000 bytes once the angles are widened', () => {
    expect(() => planOf(request({ text: '<'.repeat(2000) }), options, now)).toThrow(/5000/);
    expect(planOf(request({ text: 'é'.repeat(2500) }), options, now).description).toHaveLength(2500);
  });

  it('schedules with publishAt (private) for a future extra.publishAt or scheduledAt; refuses another privacy', () => {
    const later = '2026-12-24T18:00:00+01:00';
    expect(planOf(request({ extra: { publishAt: later } }), options, now)).toMatchObject({
      privacyStatus: 'private',
      publishAt: '2026-12-24T17:00:00.000Z',
    });
    expect(planOf(request({ scheduledAt: new Date('2026-12-08T00:00:00Z') }), options, now)).toMatchObject({
      privacyStatus: 'private',
      publishAt: '2026-12-08T00:00:00.000Z',
    });
    expect(
      planOf(request({ extra: { publishAt: '2026-01-01T00:00:00Z' } }), options, now),
    ).not.toHaveProperty('publishAt');
    expect(() => planOf(request({ extra: { publishAt: later, privacy: 'public' } }), options, now)).toThrow(
      /private/,
    );
  });

  it('refuses extra settings of the wrong shape with the setting named', () => {
    expect(() => planOf(request({ extra: { privacy: 'friends' } }), options, now)).toThrow(/extra.privacy/);
    expect(() => planOf(request({ extra: { tags: 'coffee' } }), options, now)).toThrow(/extra.tags/);
    expect(() => planOf(request({ extra: { publishAt: 'tomorrow' } }), options, now)).toThrow(
      /extra.publishAt/,
    );
    expect(() => planOf(request({ extra: { madeForKids: 'no' } }), options, now)).toThrow(
      /extra.madeForKids/,
    );
  });
});
