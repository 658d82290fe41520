import { addBusinessMinutes, businessHoursOf, businessMinutesBetween } from './business-hours';

const london = businessHoursOf('Europe/London', 'weekdays 09:00-17:30');
const at = (iso: string) => new Date(iso);

describe('business hours', () => {
  it('counts only opening time, across a weekend', () => {
    // Friday 16:00 BST → Monday 12:30 BST: 1.5 h on Friday + 3.5 h on Monday.
    expect(businessMinutesBetween(at('2026-10-09T15:00:00Z'), at('2026-10-12T11:30:00Z'), london)).toBe(300);
  });

  it('puts the SLA deadline of a Friday-evening comment on Monday', () => {
    // Received Friday 17:00 BST with a 4 h SLA: 30 min on Friday, 3.5 h on Monday → Monday 12:30 BST.
    expect(addBusinessMinutes(at('2026-10-09T16:00:00Z'), 240, london).toISOString()).toBe(
      '2026-10-12T11:30:00.000Z',
    );
  });

  it('starts the clock at opening time for an item that arrives at night', () => {
    expect(addBusinessMinutes(at('2026-10-13T02:00:00Z'), 60, london).toISOString()).toBe(
      '2026-10-13T09:00:00.000Z',
    );
  });

  it('measures a DST day by the clock on the wall: 01:00-04:00 on spring-forward day is 2 hours', () => {
    const ny = businessHoursOf('America/New_York', 'daily 01:00-04:00');
    expect(businessMinutesBetween(at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'), ny)).toBe(120);
  });

  it('accepts several windows and treats no hours as around the clock', () => {
    const split = businessHoursOf('UTC', ['weekdays 09:00-12:00', 'weekdays 13:00-17:00']);
    expect(businessMinutesBetween(at('2026-10-12T08:00:00Z'), at('2026-10-12T18:00:00Z'), split)).toBe(420);
    expect(businessMinutesBetween(at('2026-10-12T08:00:00Z'), at('2026-10-12T18:00:00Z'), undefined)).toBe(
      600,
    );
    expect(addBusinessMinutes(at('2026-10-12T11:30:00Z'), 60, split).toISOString()).toBe(
      '2026-10-12T13:30:00.000Z',
    );
  });
});
