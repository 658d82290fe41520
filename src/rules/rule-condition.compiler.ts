import { Environment } from '@marcbachmann/cel-js';
import { didYouMean } from '../config/did-you-mean';
import { RuleEvent } from '../config/schema/rules.schema';
import { ConditionBudgetExceededError, EvaluationBudget } from './cel-evaluation.budget';
import { instrumentProgram } from './cel-program.instrumenter';
import { FACT_TYPES, factsFor } from './rule-facts';

export type RuleTrigger = RuleEvent | 'schedule';

/** Guards against pathological conditions: they run on every event, so they must stay small. */
const LIMITS = {
  maxAstNodes: 400,
  maxDepth: 40,
  maxListElements: 200,
  maxMapEntries: 200,
  maxCallArguments: 16,
};
const MAX_SOURCE_LENGTH = 2000;

export type CompiledCondition = (facts: Record<string, unknown>) => boolean;

export type CompileResult =
  | { ok: true; evaluate: CompiledCondition }
  | {
      ok: false;
      message: string;
      /** Character offset of the problem inside the expression. */ offset: number;
    };

const environments = new Map<RuleTrigger, Environment>();

function environmentFor(trigger: RuleTrigger): Environment {
  let env = environments.get(trigger);
  if (!env) {
    env = new Environment({ limits: LIMITS, unlistedVariablesAreDyn: false });
    for (const [name, fields] of Object.entries(FACT_TYPES)) {
      env.registerType(name, { fields });
    }
    for (const [name, type] of Object.entries(factsFor(trigger))) {
      env.registerVariable(name, type);
    }
    environments.set(trigger, env);
  }
  return env;
}

/** Parses and type-checks a CEL condition against the facts of its trigger, once, at config load. */
export function compileCondition(source: string, trigger: RuleTrigger): CompileResult {
  if (source.length > MAX_SOURCE_LENGTH) {
    return { ok: false, message: `condition is longer than ${MAX_SOURCE_LENGTH} characters`, offset: 0 };
  }
  const env = environmentFor(trigger);
  let program: ReturnType<Environment['parse']>;
  let checked: ReturnType<Environment['check']>;
  try {
    program = env.parse(source);
    checked = program.check();
  } catch (error) {
    return failure(error, trigger);
  }
  if (!checked.valid) {
    return failure(checked.error, trigger);
  }
  if (checked.type !== 'bool') {
    return { ok: false, message: `condition must be true or false, but it gives ${checked.type}`, offset: 0 };
  }
  const budget = new EvaluationBudget();
  const instrumented = instrumentProgram(program.ast, budget);
  if (!instrumented.ok) {
    return instrumented;
  }
  return {
    ok: true,
    evaluate: (facts) => {
      budget.reset();
      let result: unknown;
      try {
        result = program(facts);
      } catch (error) {
        throw budget.exhausted ? new ConditionBudgetExceededError() : error;
      }
      // cel-js may absorb an error (`false || error`, `.exists()`): running out still fails the rule.
      if (budget.exhausted) {
        throw new ConditionBudgetExceededError();
      }
      return result === true;
    },
  };
}

interface CelErrorShape {
  code?: string;
  summary?: string;
  message?: string;
  range?: { start?: number };
  node?: { op?: string; args?: unknown };
}

function failure(error: unknown, trigger: RuleTrigger): CompileResult {
  const celError = error as CelErrorShape;
  const message = celError.summary ?? celError.message ?? String(error);
  return {
    ok: false,
    message: `${message}${suggestion(celError, trigger)}`,
    offset: celError.range?.start ?? 0,
  };
}

/** A did-you-mean for a misspelt fact or field, like every other name in the configuration gets. */
function suggestion(error: CelErrorShape, trigger: RuleTrigger): string {
  const node = error.node;
  if (error.code === 'unknown_variable' && typeof node?.args === 'string') {
    return didYouMean(node.args, Object.keys(factsFor(trigger)));
  }
  if (error.code === 'no_such_key' && node?.op === '.' && Array.isArray(node.args)) {
    const [receiver, field] = node.args as [{ checkedType?: { name?: string } } | undefined, unknown];
    const fields = FACT_TYPES[receiver?.checkedType?.name ?? ''];
    return fields && typeof field === 'string' ? didYouMean(field, Object.keys(fields)) : '';
  }
  return '';
}
