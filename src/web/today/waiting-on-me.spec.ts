import { dueInWords } from './waiting-on-me';

describe('dueInWords', () => {
  const now = new Date('2026-12-07T12:00:00Z');

  it('says how long until a deadline', () => {
    expect(dueInWords(new Date('2026-12-09T12:00:00Z'), now)).toBe('due in 2 days');
    expect(dueInWords(new Date('2026-12-07T15:00:00Z'), now)).toBe('due in 3 hours');
  });

  it('says a passed deadline is overdue, and since when', () => {
    expect(dueInWords(new Date('2026-12-07T09:00:00Z'), now)).toBe('overdue: was due 3 hours ago');
    expect(dueInWords(now, now)).toMatch(/^overdue: was due/);
  });
});
