import { compileCondition } from './rule-condition.compiler';

describe('compileCondition', () => {
  it('compiles a condition over its trigger’s facts and evaluates it on plain data', () => {
    const result = compileCondition('inbox.ageMinutes > 60 && inbox.kind == "comment"', 'inbox.received');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.evaluate({ inbox: { ageMinutes: 61n, kind: 'comment' } })).toBe(true);
      expect(result.evaluate({ inbox: { ageMinutes: 5n, kind: 'comment' } })).toBe(false);
    }
  });

  it('rejects facts the trigger does not have', () => {
    expect(compileCondition('post.title == "x"', 'inbox.received')).toMatchObject({ ok: false });
    expect(compileCondition('post.title == "x"', 'schedule')).toMatchObject({ ok: false });
  });

  it('rejects misspelt fields and mismatched types with the offset of the problem', () => {
    expect(compileCondition('post.campain == "x"', 'post.submitted')).toMatchObject({
      ok: false,
      message: 'No such key: campain (did you mean "campaign"?)',
    });
    expect(compileCondition('pots.title == "x"', 'post.submitted')).toMatchObject({
      ok: false,
      message: 'Unknown variable: pots (did you mean "post"?)',
    });
    expect(compileCondition('1 + post.graphemes > "3"', 'post.submitted')).toMatchObject({ ok: false });
  });

  it('requires a boolean and bounds the size of an expression', () => {
    expect(compileCondition('post.title', 'post.submitted')).toMatchObject({
      ok: false,
      message: expect.stringContaining('string'),
    });
    expect(compileCondition(`post.title == "${'x'.repeat(3000)}"`, 'post.submitted')).toMatchObject({
      ok: false,
    });
  });
});
