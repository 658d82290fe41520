import { brandSla, formatMinutes, slaAge } from './inbox-sla';

describe('inbox SLA age on the web page', () => {
  const london = brandSla({
    timezone: 'Europe/London',
    inbox: { responseSla: 4 * 3_600_000, businessHours: 'weekdays 09:00-17:30' },
  });

  it('counts only opening hours: Friday 16:00 to Monday 10:10 is 2h 40m of 4h, within the SLA', () => {
    // 2026-12-04 is a Friday; 16:00-17:30 (1h 30m) then Monday 09:00-10:10 (1h 10m).
    const age = slaAge(new Date('2026-12-04T16:00:00Z'), new Date('2026-12-07T10:10:00Z'), london);
    expect(age).toMatchObject({ minutes: 160, slaMinutes: 240, label: '2h 40m of 4h', status: 'within' });
  });

  it('is near from 75% of the SLA and past at the SLA', () => {
    const from = new Date('2026-12-07T09:00:00Z');
    expect(slaAge(from, new Date('2026-12-07T11:59:00Z'), london).status).toBe('within');
    expect(slaAge(from, new Date('2026-12-07T12:00:00Z'), london)).toMatchObject({
      status: 'near',
      label: '3h of 4h',
    });
    expect(slaAge(from, new Date('2026-12-07T13:00:00Z'), london)).toMatchObject({
      status: 'past',
      label: '4h of 4h',
    });
  });

  it('a weekend does not age an item', () => {
    const age = slaAge(new Date('2026-12-05T10:00:00Z'), new Date('2026-12-06T20:00:00Z'), london);
    expect(age).toMatchObject({ minutes: 0, status: 'within', label: '0m of 4h' });
  });

  it('around the clock (no businessHours) with the default 4h SLA', () => {
    const sla = brandSla({ timezone: 'UTC' });
    const age = slaAge(new Date('2026-12-05T10:00:00Z'), new Date('2026-12-05T15:30:00Z'), sla);
    expect(age).toMatchObject({ minutes: 330, status: 'past', label: '5h 30m of 4h' });
  });

  it('formats minutes as hours and minutes', () => {
    expect(formatMinutes(130)).toBe('2h 10m');
    expect(formatMinutes(45)).toBe('45m');
    expect(formatMinutes(0)).toBe('0m');
  });
});
