/** Every condition operator, in the order the docs list them. */
export const OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'changed',
  'changed_to',
  'changed_from',
  'greater_than',
  'less_than',
  'in',
  'exists',
] as const;

/** A condition operator. */
export type Operator = (typeof OPERATORS)[number];

/** Operators that take no `value` (the seed's `changed` sends an empty string, which `ruleCondition` drops). */
export const VALUELESS_OPERATORS: ReadonlySet<Operator> = new Set(['changed', 'exists']);

/** True when `op` is one of the supported operators. */
export function isOperator(op: unknown): op is Operator {
  return typeof op === 'string' && (OPERATORS as readonly string[]).includes(op);
}
