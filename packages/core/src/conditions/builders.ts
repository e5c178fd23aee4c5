import { InvalidInputError, type Problem } from '../errors.ts';
import { isOperator, VALUELESS_OPERATORS } from './operators.ts';
import type { Condition, ConditionLeaf } from './schema.ts';
import { validateCondition } from './validate.ts';

/**
 * A from/to filter (seed 003's `StatusFrom`/`StatusTo`, `StageFrom`/`StageTo`): with both, the field changed from
 * `from` to `to`; with one, it changed from (or to) that value; with neither, it simply changed.
 */
export function fromToFilter(spec: { field: string; from?: unknown; to?: unknown }): Condition {
  const { field, from, to } = spec;
  const parts: ConditionLeaf[] = [];
  if (from !== undefined) parts.push({ field, operator: 'changed_from', value: from });
  if (to !== undefined) parts.push({ field, operator: 'changed_to', value: to });
  const [first, second] = parts;
  if (first === undefined) return changedFieldFilter(field);
  return second === undefined ? first : { all: parts };
}

/** A filter that holds when a field changed at all (seed 003's `ChangedOpportunityField`). */
export function changedFieldFilter(field: string): Condition {
  return { field, operator: 'changed' };
}

/** Seed 000's one-condition rule: `condition_entity`, `condition_field`, `condition_operator`, `condition_value`. */
export interface RuleInput {
  entity: string;
  field: string;
  operator: string;
  value?: unknown;
}

const ENTITY = /^[a-z][a-z0-9_]{0,62}$/;

function ruleLeaf(rule: RuleInput): Record<string, unknown> {
  const leaf: Record<string, unknown> = { field: rule.field, operator: rule.operator };
  let value = rule.value;
  // The seed requires `condition_value` even for `changed`, as an empty string: that means "no value".
  if (
    isOperator(rule.operator) &&
    VALUELESS_OPERATORS.has(rule.operator) &&
    (value === '' || value === null)
  ) {
    value = undefined;
  }
  // Form-style rules send text; a comma-separated list is the only way to write `in`.
  if (rule.operator === 'in' && typeof value === 'string') {
    value = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  if (value !== undefined) leaf.value = value;
  return leaf;
}

const FIELD_NAMES: Record<string, string> = {
  field: 'condition_field',
  operator: 'condition_operator',
  value: 'condition_value',
};

/** Problems with a seed 000 rule, reported on the seed's own field names (`condition_operator`, …). */
export function validateRule(rule: RuleInput): Problem[] {
  const problems: Problem[] = [];
  if (typeof rule.entity !== 'string' || !ENTITY.test(rule.entity)) {
    problems.push({
      path: 'condition_entity',
      message: 'condition_entity must be an entity name such as deal or contact',
    });
  }
  const entity = problems.length === 0 ? rule.entity : undefined;
  for (const p of validateCondition(ruleLeaf(rule), entity ? { entity } : {})) {
    problems.push({ path: FIELD_NAMES[p.path] ?? p.path, message: p.message });
  }
  return problems;
}

/**
 * Maps seed 000's rule onto a Condition. Convention: an event's `data` IS the entity snapshot, so a rule on entity
 * `deal` with field `status` reads path `status` of a deal event's data (and of its `previous`). The entity itself
 * selects which events the rule listens to (events whose `entity` is `deal`); it is not part of the path.
 * Throws InvalidInputError (problems named after the seed's fields) when the rule is impossible.
 */
export function ruleCondition(rule: RuleInput): Condition {
  const problems = validateRule(rule);
  if (problems.length > 0) throw new InvalidInputError('invalid rule', problems);
  return ruleLeaf(rule) as unknown as ConditionLeaf;
}
