import type { Problem } from '../errors.ts';
import { FORBIDDEN_SEGMENTS, toInstant, toNumber } from './compare.ts';
import { isOperator, OPERATORS, VALUELESS_OPERATORS } from './operators.ts';

/** Options for `validateCondition`. */
export interface ValidateConditionOptions {
  /** The entity the fields belong to (seed 000's `condition_entity`): fields must not repeat it as a prefix. */
  entity?: string;
  /** Prefix for every problem path (e.g. `trigger_conditions`). */
  path?: string;
}

const MAX_DEPTH = 16;
const LEAF_KEYS = new Set(['field', 'operator', 'value']);

function join(base: string, key: string | number): string {
  return base === '' ? String(key) : `${base}.${key}`;
}

/** Problems with a dotted field path (empty segments, prototype names, an entity prefix). */
export function validateFieldPath(field: unknown, path: string, entity?: string): Problem[] {
  if (typeof field !== 'string' || field.length === 0) return [{ path, message: 'field is required' }];
  if (field.length > 200) return [{ path, message: 'field must be at most 200 characters' }];
  const segs = field.split('.');
  if (segs.some((s) => s.length === 0)) {
    return [
      {
        path,
        message: `field ${JSON.stringify(field)} has an empty segment (a dotted path like "owner.email")`,
      },
    ];
  }
  const bad = segs.find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (bad) return [{ path, message: `field segment ${JSON.stringify(bad)} is not allowed` }];
  if (entity && segs.length > 1 && segs[0] === entity) {
    const rest = segs.slice(1).join('.');
    return [{ path, message: `fields are relative to the ${entity}: write "${rest}", not "${field}"` }];
  }
  return [];
}

function validateLeaf(leaf: Record<string, unknown>, path: string, entity: string | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const k of Object.keys(leaf)) {
    if (!LEAF_KEYS.has(k))
      problems.push({ path: join(path, k), message: `unknown key ${JSON.stringify(k)}` });
  }
  problems.push(...validateFieldPath(leaf.field, join(path, 'field'), entity));
  const op = leaf.operator;
  const valuePath = join(path, 'value');
  if (!isOperator(op)) {
    problems.push({
      path: join(path, 'operator'),
      message: `unsupported operator ${JSON.stringify(op ?? null)}; use one of ${OPERATORS.join(', ')}`,
    });
    return problems;
  }
  const value = leaf.value;
  const has = Object.hasOwn(leaf, 'value') && value !== undefined;
  if (VALUELESS_OPERATORS.has(op)) {
    if (has) problems.push({ path: valuePath, message: `${op} takes no value` });
    return problems;
  }
  if (!has) {
    problems.push({ path: valuePath, message: `${op} needs a value` });
    return problems;
  }
  switch (op) {
    case 'greater_than':
    case 'less_than':
      if (toNumber(value) === undefined && toInstant(value) === undefined) {
        problems.push({
          path: valuePath,
          message: `${op} needs a number or an ISO 8601 date, got ${JSON.stringify(value)}`,
        });
      }
      break;
    case 'in':
      if (!Array.isArray(value) || value.length === 0) {
        problems.push({ path: valuePath, message: 'in needs a non-empty array of values' });
      }
      break;
    case 'contains':
      if (value === null)
        problems.push({ path: valuePath, message: 'contains needs a value that is not null' });
      break;
    default:
      break;
  }
  return problems;
}

function walk(cond: unknown, path: string, entity: string | undefined, depth: number): Problem[] {
  if (depth > MAX_DEPTH) return [{ path, message: `conditions nest at most ${MAX_DEPTH} levels deep` }];
  if (typeof cond !== 'object' || cond === null || Array.isArray(cond)) {
    return [
      {
        path,
        message: 'a condition is an object: { field, operator, value } or { all: [...] } or { any: [...] }',
      },
    ];
  }
  const obj = cond as Record<string, unknown>;
  const group = 'all' in obj ? 'all' : 'any' in obj ? 'any' : undefined;
  if (group === undefined) return validateLeaf(obj, path, entity);
  const problems: Problem[] = [];
  for (const k of Object.keys(obj)) {
    if (k !== group)
      problems.push({
        path: join(path, k),
        message: `a group has only "${group}", not ${JSON.stringify(k)}`,
      });
  }
  const list = obj[group];
  if (!Array.isArray(list))
    return [...problems, { path: join(path, group), message: `${group} must be an array` }];
  if (group === 'any' && list.length === 0) {
    problems.push({
      path: join(path, group),
      message: 'any needs at least one condition (an empty any never matches)',
    });
  }
  list.forEach((c, i) => {
    problems.push(...walk(c, join(join(path, group), i), entity, depth + 1));
  });
  return problems;
}

/** Every problem with a condition, each with its dotted path and a field-level message; empty when valid. */
export function validateCondition(cond: unknown, opts: ValidateConditionOptions = {}): Problem[] {
  return walk(cond, opts.path ?? '', opts.entity, 0);
}
