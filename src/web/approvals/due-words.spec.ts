import { dueWords } from './due-words';

describe('dueWords', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  it('says how long until the deadline, or how long past it', () => {
    expect(dueWords(at(5 * 60 + 20), now)).toBe('due in 5h');
    expect(dueWords(at(-3 * 60 - 59), now)).toBe('overdue by 3h');
    expect(dueWords(at(12), now)).toBe('due in 12m');
    expect(dueWords(at(0), now)).toBe('due in 1m');
    expect(dueWords(at(3 * 24 * 60 + 5), now)).toBe('due in 3d');
    expect(dueWords(at(-47 * 60), now)).toBe('overdue by 47h');
  });
});
