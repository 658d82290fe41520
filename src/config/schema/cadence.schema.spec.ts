import { parsePublishingWindow } from './cadence.schema';

describe('parsePublishingWindow', () => {
  it('reads days, groups and local time ranges', () => {
    expect(parsePublishingWindow('Mon,Wed 09:00-11:00')).toEqual({
      days: ['mon', 'wed'],
      start: 540,
      end: 660,
    });
    expect(parsePublishingWindow('weekdays 12:30-13:00')).toEqual({
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: 750,
      end: 780,
    });
    expect(parsePublishingWindow('Saturday 18:00-24:00')).toEqual({ days: ['sat'], start: 1080, end: 1440 });
  });

  it('explains what is wrong with a window', () => {
    expect(parsePublishingWindow('Mon 9-11')).toMatch(/cannot read window/);
    expect(parsePublishingWindow('Mon 22:00-01:00')).toMatch(/must not cross midnight/);
    expect(parsePublishingWindow('Mo 09:00-10:00')).toMatch(/unknown day "mo"/);
    expect(parsePublishingWindow('Mon 09:75-10:00')).toMatch(/impossible time/);
  });
});
