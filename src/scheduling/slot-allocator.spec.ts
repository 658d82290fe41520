import { parsePublishingWindow, PublishingWindow } from '../config/schema/cadence.schema';
import { localToUtc, parseLocalDateTime } from './local-time';
import { nextFreeSlot } from './slot-allocator';

function windows(...texts: string[]): PublishingWindow[] {
  return texts.map((text) => parsePublishingWindow(text) as PublishingWindow);
}

describe('local times across DST', () => {
  it('moves a time in the spring-forward gap forward (America/New_York, 2026-03-08 02:30 → 03:30 EDT)', () => {
    expect(parseLocalDateTime('2026-03-08 02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('takes the first occurrence of a time in the fall-back overlap (Europe/London, 2026-10-25 01:30 BST)', () => {
    expect(parseLocalDateTime('2026-10-25 01:30', 'Europe/London').toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
  });

  it('leaves ordinary times alone', () => {
    expect(
      localToUtc({ year: 2026, month: 12, day: 2, hour: 9, minute: 0 }, 'Europe/London').toISOString(),
    ).toBe('2026-12-02T09:00:00.000Z');
  });
});

describe('nextFreeSlot', () => {
  const base = { timezone: 'Europe/London', postsPerWeek: 0, occupied: [] as Date[] };

  it('picks the next window start after "from", in the brand’s zone', () => {
    const slot = nextFreeSlot({
      ...base,
      windows: windows('Mon,Wed 09:00-10:00'),
      from: new Date('2026-12-01T12:00:00Z'),
    });
    expect(slot?.toISOString()).toBe('2026-12-02T09:00:00.000Z');
  });

  it('never puts two posts in one window', () => {
    const taken = new Date('2026-12-02T09:00:00Z');
    const slot = nextFreeSlot({
      ...base,
      windows: windows('Mon,Wed 09:00-10:00'),
      occupied: [taken],
      from: new Date('2026-12-01T12:00:00Z'),
    });
    expect(slot?.toISOString()).toBe('2026-12-07T09:00:00.000Z');
  });

  it('skips to the next week once the week’s cadence is met', () => {
    const slot = nextFreeSlot({
      ...base,
      postsPerWeek: 1,
      windows: windows('daily 09:00-10:00'),
      occupied: [new Date('2026-11-30T09:00:00Z')],
      from: new Date('2026-12-01T00:00:00Z'),
    });
    expect(slot?.toISOString()).toBe('2026-12-07T09:00:00.000Z');
  });

  it('places a 02:30 window on the spring-forward day at 03:30 local (America/New_York)', () => {
    const slot = nextFreeSlot({
      ...base,
      timezone: 'America/New_York',
      windows: windows('Sun 02:30-04:00'),
      from: new Date('2026-03-07T12:00:00Z'),
    });
    expect(slot?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('places a 01:30 window on the fall-back day at its first occurrence (Europe/London)', () => {
    const slot = nextFreeSlot({
      ...base,
      windows: windows('Sun 01:30-02:00'),
      from: new Date('2026-10-24T12:00:00Z'),
    });
    expect(slot?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('returns undefined without windows', () => {
    expect(nextFreeSlot({ ...base, windows: [], from: new Date() })).toBeUndefined();
  });
});
