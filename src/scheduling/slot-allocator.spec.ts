import { parsePublishingWindow, PublishingWindow } from '../config/schema/cadence.schema';
import { localToUtc, parseLocalDateTime } from './local-time';
import { findSlot, SlotRequest } from './slot-allocator';

const nextFreeSlot = (request: SlotRequest): Date | undefined => findSlot(request).at;

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

describe('findSlot', () => {
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

  /** Places posts one after another, each seeing the ones before, as a sync of several files does. */
  function placeMany(request: Omit<SlotRequest, 'occupied'>, count: number): (string | undefined)[] {
    const occupied: Date[] = [];
    const placed: (string | undefined)[] = [];
    for (let i = 0; i < count; i++) {
      const slot = nextFreeSlot({ ...request, occupied: [...occupied] });
      placed.push(slot?.toISOString());
      if (slot) {
        occupied.push(slot);
      }
    }
    return placed;
  }

  it('gives each post its own slot when a window lies entirely in the spring-forward gap (Australia/Sydney, Sun 02:00-03:00 on 2026-10-04)', () => {
    expect(
      placeMany(
        {
          ...base,
          timezone: 'Australia/Sydney',
          windows: windows('Sun 02:00-03:00'),
          from: new Date('2026-10-02T00:00:00Z'),
        },
        3,
      ),
    ).toEqual([
      '2026-10-03T16:00:00.000Z', // 03:00 AEDT: the window moved past the gap and keeps its hour
      '2026-10-10T15:00:00.000Z', // 02:00 AEDT the next Sunday
      '2026-10-17T15:00:00.000Z',
    ]);
  });

  it('keeps a window partly in the gap its full length in real time (America/New_York, Sun 02:30-03:15 on 2026-03-08)', () => {
    // 02:30 does not exist that day: the window starts at 03:30 EDT (07:30Z) and lasts its 45 minutes, to 08:15Z.
    const taken = new Date('2026-03-08T07:45:00Z');
    expect(
      nextFreeSlot({
        ...base,
        timezone: 'America/New_York',
        windows: windows('Sun 02:30-03:15'),
        occupied: [taken],
        from: new Date('2026-03-07T12:00:00Z'),
      })?.toISOString(),
    ).toBe('2026-03-15T06:30:00.000Z');
  });

  it('offers what is left of a window that is already open (Sunday 21:09, window Sun 21:00-23:30)', () => {
    expect(
      nextFreeSlot({
        ...base,
        windows: windows('Sun 21:00-23:30', 'Mon 07:00-09:00'),
        from: new Date('2026-11-29T21:09:27Z'),
      })?.toISOString(),
    ).toBe('2026-11-29T21:10:00.000Z');
  });

  it('does not offer an open window too late for the approval lead time (from past its end)', () => {
    expect(
      nextFreeSlot({
        ...base,
        windows: windows('Sun 21:00-23:30', 'Mon 07:00-09:00'),
        from: new Date('2026-11-29T23:30:00Z'),
      })?.toISOString(),
    ).toBe('2026-11-30T07:00:00.000Z');
  });

  it('finds nothing at or after "until" and says why', () => {
    const outcome = findSlot({
      ...base,
      windows: windows('Mon 09:00-10:00'),
      from: new Date('2026-12-01T12:00:00Z'),
      until: new Date('2026-12-07T09:00:00Z'),
    });
    expect(outcome).toEqual({ reason: expect.stringContaining('no free publishing window') });
  });
});
