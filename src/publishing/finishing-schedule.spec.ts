import {
  MAX_CHECK_INTERVAL_MS,
  MAX_FINISHING_MS,
  MIN_CHECK_INTERVAL_MS,
  giveUpAt,
  nextCheckAt,
} from './finishing-schedule';

const accepted = new Date('2026-12-01T09:00:00Z');
const after = (ms: number) => new Date(accepted.getTime() + ms);

describe('nextCheckAt: when a finishing variant is asked about again', () => {
  it("takes the connector's checkAfterMs when it gave one", () => {
    expect(nextCheckAt(accepted, after(10_000), 30_000)).toEqual(after(40_000));
    expect(nextCheckAt(accepted, after(10_000), 0)).toEqual(after(10_000));
  });

  it('backs off with half the time since the accept, between the floor and the cap', () => {
    expect(nextCheckAt(accepted, accepted)).toEqual(after(MIN_CHECK_INTERVAL_MS));
    expect(nextCheckAt(accepted, after(60_000))).toEqual(after(90_000));
    expect(nextCheckAt(accepted, after(3_600_000))).toEqual(after(3_600_000 + MAX_CHECK_INTERVAL_MS));
  });

  it('never waits past the give-up time, so the last question is asked then', () => {
    const late = after(MAX_FINISHING_MS - 1000);
    expect(nextCheckAt(accepted, late)).toEqual(giveUpAt(accepted));
    expect(nextCheckAt(accepted, late, 3_600_000)).toEqual(giveUpAt(accepted));
  });
});
