import { ConditionBudgetExceededError } from './cel-evaluation.budget';
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

describe('condition cost', () => {
  const inbox = (text: string) => ({ inbox: { text, kind: 'comment', ageMinutes: 1n } });
  const compiled = (source: string, trigger: Parameters<typeof compileCondition>[1] = 'inbox.received') => {
    const result = compileCondition(source, trigger);
    if (!result.ok) {
      throw new Error(`${source}: ${result.message}`);
    }
    return result.evaluate;
  };

  it('matches() is RE2: linear on a pattern that backtracks exponentially in ECMAScript', () => {
    const evaluate = compiled('inbox.text.matches("^(a+)+$")');
    const started = performance.now();
    // With a backtracking engine 40 characters take hours; RE2 answers at once.
    expect(evaluate(inbox(`${'a'.repeat(40)}!`))).toBe(false);
    expect(evaluate(inbox('a'.repeat(40)))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000); // generous: bounded, not exponential
  });

  it('matches() speaks RE2: (?i) flags work, back-references and look-arounds fail at compile time', () => {
    expect(compiled('inbox.text.matches("(?i)refund")')(inbox('I want a REFUND'))).toBe(true);
    expect(compiled('inbox.text.matches("\\\\b([Ss]cam|[Ff]raud)\\\\b")')(inbox('what a scam!'))).toBe(true);
    expect(compileCondition('inbox.text.matches("(a)\\\\1")', 'inbox.received')).toMatchObject({
      ok: false,
      message: expect.stringContaining('matches() takes an RE2 regular expression, and "(a)\\1" is not one'),
      offset: 19,
    });
    expect(compileCondition('inbox.text.matches("(?=a)")', 'inbox.received')).toMatchObject({ ok: false });
    // A pattern computed at run time that is not RE2 is an error of that evaluation.
    expect(() =>
      compiled('inbox.text.matches(inbox.author)')({ inbox: { text: 'x', author: '(?=x)' } }),
    ).toThrow(/not one|RE2|invalid/);
  });

  it('refuses at compile time nested comprehensions that would run past the budget', () => {
    const list = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
    expect(
      compileCondition(`${list}.all(a, ${list}.all(b, ${list}.all(c, a + b + c >= 0)))`, 'schedule'),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^the condition may need about [\d,]+ evaluation steps, more than the 100,000/,
      ),
      offset: 0,
    });
    expect(compileCondition(`${list}.exists(a, a == 7)`, 'schedule')).toMatchObject({ ok: true });
  });

  it('stops an evaluation that runs past its budget, even where CEL would absorb the error', () => {
    const long = 'x'.repeat(5000);
    const nested = 'inbox.text.split("").exists(a, inbox.text.split("").exists(b, a != b))';
    // 25 million steps without a budget; the estimate (facts assumed 100 long) lets it compile.
    expect(() => compiled(nested)(inbox(long))).toThrow(ConditionBudgetExceededError);
    expect(() => compiled(`${nested} || true`)(inbox(long))).toThrow(/used up its budget of 100,000/);
    // The same condition on a short comment is fine, and the budget is per evaluation.
    const evaluate = compiled(nested);
    expect(evaluate(inbox('ab'))).toBe(true);
    expect(evaluate(inbox('ab'))).toBe(true);
  });

  it('meters lists doubled through cel.bind', () => {
    let source = 'size(l14) > 0';
    for (let i = 14; i > 0; i--) {
      source = `cel.bind(l${i}, l${i - 1} + l${i - 1}, ${source})`;
    }
    source = `cel.bind(l0, [${Array.from({ length: 200 }, (_, i) => i).join(', ')}], ${source})`;
    expect(() => compiled(source, 'schedule')({})).toThrow(ConditionBudgetExceededError);
  });
});
