import { InvalidInputError } from '../errors.ts';
import { generateTest } from './codegen.ts';
import { compilePath, describe, looseEqual } from './compare.ts';
import { containsMatcher, equalsMatcher, inMatcher, orderMatcher, type ValueMatcher } from './matchers.ts';
import type { Condition, ConditionLeaf, EvaluationInput, EvaluationResult } from './schema.ts';
import { validateCondition } from './validate.ts';

/**
 * A condition compiled once: `test` is the fast boolean path (no allocation), `evaluate` adds the reason.
 * Field paths are read from `input.data`; `changed*` read the same path from `input.previous`.
 */
export interface CompiledCondition {
  test(input: EvaluationInput): boolean;
  evaluate(input: EvaluationInput): EvaluationResult;
}

type Test = (input: EvaluationInput) => boolean;
type Explain = (input: EvaluationInput, match: boolean) => string;

const NO_PREVIOUS = 'no previous snapshot to compare with';

function hasPrevious(input: EvaluationInput): boolean {
  const p = input.previous;
  return typeof p === 'object' && p !== null;
}

function compileLeaf(leaf: ConditionLeaf): { test: Test; explain: Explain } {
  const { field, operator, value } = leaf;
  const get = compilePath(field);
  const v = describe(value);
  const now = (input: EvaluationInput) => describe(get(input.data));
  const was = (input: EvaluationInput) => describe(get(input.previous));
  const current =
    (m: ValueMatcher): Test =>
    (input) =>
      m(get(input.data));
  switch (operator) {
    case 'equals':
      return {
        test: current(equalsMatcher(value)),
        explain: (i, ok) => (ok ? `${field} equals ${v}` : `${field} is ${now(i)}, not ${v}`),
      };
    case 'not_equals': {
      const eq = equalsMatcher(value);
      return {
        test: (i) => !eq(get(i.data)),
        explain: (i, ok) => (ok ? `${field} is ${now(i)}, not ${v}` : `${field} equals ${v}`),
      };
    }
    case 'contains':
      return {
        test: current(containsMatcher(value)),
        explain: (i, ok) => `${field} (${now(i)}) ${ok ? 'contains' : 'does not contain'} ${v}`,
      };
    case 'in':
      return {
        test: current(inMatcher(value)),
        explain: (i, ok) => `${field} (${now(i)}) is ${ok ? '' : 'not '}in ${v}`,
      };
    case 'greater_than':
    case 'less_than': {
      const word = operator === 'greater_than' ? 'greater' : 'less';
      return {
        test: current(orderMatcher(value, operator === 'greater_than' ? 1 : -1)),
        explain: (i, ok) => `${field} (${now(i)}) is ${ok ? '' : 'not '}${word} than ${v}`,
      };
    }
    case 'exists':
      return {
        test: (i) => get(i.data) != null,
        explain: (i, ok) => (ok ? `${field} exists (${now(i)})` : `${field} is ${now(i)}`),
      };
    case 'changed':
      return {
        test: (i) => hasPrevious(i) && !looseEqual(get(i.data), get(i.previous)),
        explain: (i, ok) =>
          !hasPrevious(i)
            ? `${field}: ${NO_PREVIOUS}`
            : `${field} ${ok ? 'changed' : 'did not change'} (was ${was(i)}, now ${now(i)})`,
      };
    case 'changed_to':
    case 'changed_from': {
      const eq = equalsMatcher(value);
      const to = operator === 'changed_to';
      return {
        test: (i) => {
          if (!hasPrevious(i)) return false;
          const a = eq(get(i.data));
          return to ? a && !eq(get(i.previous)) : !a && eq(get(i.previous));
        },
        explain: (i, ok) =>
          !hasPrevious(i)
            ? `${field}: ${NO_PREVIOUS}`
            : `${field} ${ok ? '' : 'did not '}change${ok ? 'd' : ''} ${to ? 'to' : 'from'} ${v} (was ${was(i)}, now ${now(i)})`,
      };
    }
  }
}

function compileNode(cond: Condition): { test: Test; explain: Explain } {
  if ('all' in cond || 'any' in cond) {
    const isAll = 'all' in cond;
    const parts = (isAll ? cond.all : (cond as { any: Condition[] }).any).map(compileNode);
    const tests = parts.map((p) => p.test);
    const test: Test = isAll
      ? (i) => {
          for (const t of tests) if (!t(i)) return false;
          return true;
        }
      : (i) => {
          for (const t of tests) if (t(i)) return true;
          return false;
        };
    const explain: Explain = (i, ok) => {
      if (parts.length === 0) return isAll ? 'no conditions (all of none)' : 'no conditions (any of none)';
      // The deciding parts: for a match of `all` (or a miss of `any`) every part; otherwise the first decisive one.
      const every = isAll === ok;
      const chosen = every ? parts : parts.filter((p) => p.test(i) === !isAll).slice(0, 1);
      return chosen.map((p) => p.explain(i, p.test(i))).join(isAll ? ' and ' : ' or ');
    };
    return { test, explain };
  }
  return compileLeaf(cond);
}

const MAX_REASON = 500;

/** The closure-based boolean test: the reference the generated test is checked against (tests only). */
export function referenceTest(cond: Condition): (input: EvaluationInput) => boolean {
  return compileNode(cond).test;
}

/** Compiles a condition once (paths and value comparisons decided up front); throws InvalidInputError if invalid. */
export function compileCondition(cond: Condition): CompiledCondition {
  const problems = validateCondition(cond);
  if (problems.length > 0) throw new InvalidInputError('invalid condition', problems);
  const { test: reference, explain } = compileNode(cond);
  const test = generateTest(cond) ?? reference;
  return {
    test,
    evaluate(input) {
      try {
        const match = test(input);
        const reason = explain(input, match);
        return {
          match,
          reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 3)}...` : reason,
        };
      } catch (err) {
        // Unreachable for JSON data; kept so evaluation honours "never throws on data" even for exotic objects.
        return {
          match: false,
          reason: `could not evaluate: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    },
  };
}

const compiled = new WeakMap<object, CompiledCondition>();

/** Evaluates a condition against event data (compiling it once per condition object); never throws on data. */
export function evaluateCondition(cond: Condition, input: EvaluationInput): EvaluationResult {
  let c = typeof cond === 'object' && cond !== null ? compiled.get(cond) : undefined;
  if (!c) {
    c = compileCondition(cond);
    compiled.set(cond, c);
  }
  return c.evaluate(input);
}
