import { InvalidError } from '../errors/domain.error';

/**
 * A bound on what one evaluation of a rule condition may cost. CEL has no loops but comprehensions
 * (`.all()`, `.exists()`, `.map()`, `.filter()`), and nested ones multiply: three over a 200-element list
 * are 8 million steps, six are 10^13, all inside the size limits. cel-js has structural limits only, so the
 * host meters the parsed program itself: each comprehension step costs one unit, every value computed inside
 * a comprehension costs one more per element (or per 64 characters), and a string or list `+` anywhere costs
 * its length, so doubling through `cel.bind` is metered too. Nodes outside comprehensions that build
 * nothing run once per evaluation and are not metered: the common rule pays only for resetting a counter.
 */
export const CONDITION_BUDGET = 100_000;

/** Thrown inside cel-js when the budget runs out; cel-js may absorb errors (`false || e`), so it is also a flag. */
const EXHAUSTED: Error = new Error('evaluation budget exhausted');

export class ConditionBudgetExceededError extends InvalidError {
  constructor() {
    super(
      `the condition used up its budget of ${CONDITION_BUDGET.toLocaleString('en-GB')} evaluation steps and was stopped: ` +
        'simplify it (nested .all()/.exists()/.map() over long lists multiply); it is treated as not holding',
    );
  }
}

/** The counter one compiled condition charges; evaluations are synchronous, so one per program suffices. */
export class EvaluationBudget {
  private remaining = CONDITION_BUDGET;

  reset(): void {
    this.remaining = CONDITION_BUDGET;
  }

  get exhausted(): boolean {
    return this.remaining < 0;
  }

  /** Fails fast once exhausted, so iterations still queued after the limit do no work. */
  ensure(): void {
    if (this.remaining < 0) {
      throw EXHAUSTED;
    }
  }

  charge(units: number): void {
    if ((this.remaining -= units) < 0) {
      throw EXHAUSTED;
    }
  }
}

/** Units for a value just computed: lists by element, strings and bytes by 64 characters. */
export function unitsFor(value: unknown): number {
  if (typeof value === 'string') {
    return 1 + (value.length >>> 6);
  }
  if (Array.isArray(value)) {
    return 1 + value.length;
  }
  if (value instanceof Uint8Array) {
    return 1 + (value.length >>> 6);
  }
  return 1;
}
