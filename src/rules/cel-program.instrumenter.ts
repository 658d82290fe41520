import { CONDITION_BUDGET, EvaluationBudget, unitsFor } from './cel-evaluation.budget';
import { compileRe2, re2Matches } from './re2-matches';

/**
 * What the host relies on in cel-js 8's checked AST (the version is pinned; the compiler's tests fail if
 * this shape changes): nodes with `op`, `args`, a `start` offset and the `checkedType` the checker set, an
 * `evaluate` the evaluator calls as `node.evaluate(ev, node, ctx)`, and for calls the `handle` it runs.
 */
interface CelNode {
  op: string;
  args: unknown;
  start: number;
  checkedType?: { kind?: string };
  handle?: (values: unknown[]) => unknown;
  meta: { alternate?: unknown; macro?: unknown };
  evaluate: EvaluateFn;
}
type EvaluateFn = (this: CelNode, ev: unknown, ast: CelNode, ctx: unknown) => unknown;

/** Lists whose size is not known before evaluation (facts, split()) are assumed this long when estimating. */
const ASSUMED_LIST_SIZE = 100;
/** Accumulator nodes of a comprehension: their result is the growing accumulator, which is not new work. */
const ACCUMULATOR_OPS = new Set(['accuValue', 'accuInc', 'accuPush']);
const SEQUENCE_KINDS = new Set(['string', 'list', 'bytes']);

export type InstrumentResult = { ok: true } | { ok: false; message: string; offset: number };

/**
 * Prepares a checked program for evaluation under a budget: meters it (see cel-evaluation.budget.ts), runs
 * `matches()` on RE2, checks literal patterns now, and refuses a condition whose comprehensions would need
 * more than the budget even before looking at any data.
 */
export function instrumentProgram(root: unknown, budget: EvaluationBudget): InstrumentResult {
  const isNode = nodeTest(root);
  const seen = new Set<unknown>();
  let estimate = 0;
  let outermostLoop: CelNode | undefined;
  let problem: InstrumentResult | undefined;

  const visit = (value: unknown, loopFactor: number): void => {
    if (Array.isArray(value)) {
      value.forEach((item) => visit(item, loopFactor));
      return;
    }
    if (!isNode(value) || seen.has(value)) {
      return;
    }
    seen.add(value);
    const node = value;
    if (loopFactor > 0 && node.op !== 'value' && !ACCUMULATOR_OPS.has(node.op)) {
      estimate += loopFactor;
    }
    if (node.op === 'rcall' && Array.isArray(node.args) && node.args[0] === 'matches') {
      problem ??= useRe2(node);
    }
    if (node.op === 'comprehension') {
      const { iterable, init, step } = node.args as { iterable: unknown; init: unknown; step: unknown };
      const factor = Math.max(loopFactor, 1) * sizeEstimate(iterable, isNode);
      outermostLoop ??= node;
      estimate += factor;
      visit(iterable, loopFactor);
      visit(init, loopFactor);
      if (isNode(step)) {
        meter(step, budget, { perCall: 1, perResult: false });
        seen.add(step);
        walkChildren(step, factor);
      }
    } else {
      meterIfNeeded(node, budget, loopFactor > 0);
      walkChildren(node, loopFactor);
    }
  };
  // A macro call (`.all()`, `cel.bind()`) evaluates through its expansion, never through its written args.
  const walkChildren = (node: CelNode, loopFactor: number): void => {
    const { alternate, macro } = node.meta;
    if (alternate) {
      visit(alternate, loopFactor);
    } else if (macro && typeof macro === 'object') {
      Object.values(macro as Record<string, unknown>).forEach((part) => visit(part, loopFactor));
    } else if (node.op !== 'comprehension') {
      visit(node.args, loopFactor);
    }
  };

  visit(root, 0);
  if (problem) {
    return problem;
  }
  if (estimate > CONDITION_BUDGET) {
    return {
      ok: false,
      message:
        `the condition may need about ${Math.round(estimate).toLocaleString('en-GB')} evaluation steps, more than the ` +
        `${CONDITION_BUDGET.toLocaleString('en-GB')} a condition may use: nested .all()/.exists()/.map()/.filter() multiply ` +
        `(lists from facts are assumed ${ASSUMED_LIST_SIZE} long); flatten or shorten them`,
      offset: outermostLoop?.start ?? 0,
    };
  }
  return { ok: true };
}

/** cel-js does not export its node class: every node of one program shares the root's prototype. */
function nodeTest(root: unknown): (value: unknown) => value is CelNode {
  const prototype: unknown =
    root !== null && typeof root === 'object' ? Object.getPrototypeOf(root) : undefined;
  return (value: unknown): value is CelNode =>
    value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === prototype;
}

function sizeEstimate(node: unknown, isNode: (value: unknown) => value is CelNode): number {
  if (!isNode(node)) {
    return 1;
  }
  if (node.op === 'list' && Array.isArray(node.args)) {
    return node.args.length;
  }
  if (node.op === 'comprehension') {
    return sizeEstimate((node.args as { iterable: unknown }).iterable, isNode);
  }
  if (node.op === '+' && Array.isArray(node.args) && node.checkedType?.kind === 'list') {
    return node.args.reduce((sum: number, part: unknown) => sum + sizeEstimate(part, isNode), 0);
  }
  const kind = node.checkedType?.kind;
  return kind === 'list' || kind === 'map' || kind === 'dyn' ? ASSUMED_LIST_SIZE : 1;
}

function meterIfNeeded(node: CelNode, budget: EvaluationBudget, insideLoop: boolean): void {
  if (ACCUMULATOR_OPS.has(node.op) || node.op === 'value') {
    return;
  }
  const builds = node.op === '+' && SEQUENCE_KINDS.has(node.checkedType?.kind ?? '');
  if (insideLoop || builds) {
    meter(node, budget, { perCall: 0, perResult: true });
  }
}

/**
 * Wraps a node's evaluate once. cel-js replaces `evaluate` on a node the first time it runs (a lazy
 * dispatch), so the wrapper sits in an accessor whose setter keeps the replacement as the inner function.
 */
function meter(node: CelNode, budget: EvaluationBudget, cost: { perCall: number; perResult: boolean }): void {
  let inner: EvaluateFn = node.evaluate;
  const metered: EvaluateFn = function (this: CelNode, ev, ast, ctx) {
    if (cost.perCall > 0) {
      budget.charge(cost.perCall);
    } else {
      budget.ensure();
    }
    const result = inner.call(this, ev, ast, ctx);
    if (cost.perResult) {
      budget.charge(unitsFor(result));
    }
    return result;
  };
  Object.defineProperty(node, 'evaluate', {
    configurable: true,
    get: () => metered,
    set: (replacement: EvaluateFn) => {
      inner = replacement;
    },
  });
}

/** Points `matches()` at RE2; a literal pattern is compiled now, so a bad one fails `validate`. */
function useRe2(node: CelNode): InstrumentResult | undefined {
  const [, , args] = node.args as [string, unknown, Array<{ op?: string; args?: unknown; start?: number }>];
  node.handle = (values: unknown[]) => re2Matches(values[0], values[1]);
  const pattern = args[0];
  if (pattern?.op === 'value' && typeof pattern.args === 'string') {
    const compiled = compileRe2(pattern.args);
    if ('error' in compiled) {
      return {
        ok: false,
        message: `matches() takes an RE2 regular expression, and "${pattern.args}" is not one: ${compiled.error}`,
        offset: pattern.start ?? node.start,
      };
    }
  }
  return undefined;
}
