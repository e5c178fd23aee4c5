import type { z } from 'zod';

/**
 * A plain predicate compiled from a zod schema: true only when the schema would accept the value (false proves
 * nothing). Template validation runs it before the schema, which then parses only the nodes that may have problems
 * and stays the one authority on every message and path. Compiled from the schema's own definition, so a field added
 * to a node's schema is checked here too; any construct this file does not know (refinements, unions, formats,
 * coercion…) makes `compileAccepts` return undefined and the schema is always run for that node type.
 */
export type Accepts = (value: unknown) => boolean;

interface Def {
  type: string;
  checks?: readonly { _zod: { def: CheckDef } }[];
  coerce?: boolean;
  shape?: Record<string, { _zod: { def: Def } }>;
  catchall?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  entries?: Record<string, unknown>;
  values?: readonly unknown[];
}

interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
}

/** A bound on a string's length or a number (`safeint`: a safe integer). */
type Check = { op: '>=' | '<=' | '>' | '<'; bound: number } | { op: 'safeint' };

/** What a compilable schema accepts, as data: both the predicate and the generated source are made from it. */
type Shape =
  | { kind: 'string'; checks: Check[] }
  | { kind: 'number'; checks: Check[] }
  | { kind: 'oneOf'; values: readonly string[] }
  | { kind: 'optional' | 'nullable'; inner: Shape }
  | { kind: 'object'; keys: string[]; fields: Shape[] };

function lengthChecks(checks: Def['checks']): Check[] | undefined {
  const out: Check[] = [];
  for (const c of checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'min_length' && typeof d.minimum === 'number') out.push({ op: '>=', bound: d.minimum });
    else if (d.check === 'max_length' && typeof d.maximum === 'number')
      out.push({ op: '<=', bound: d.maximum });
    else return undefined;
  }
  return out;
}

function numberChecks(checks: Def['checks']): Check[] | undefined {
  const out: Check[] = [];
  for (const c of checks ?? []) {
    const d = c._zod.def;
    const bound = d.value;
    if (d.check === 'number_format' && d.format === 'safeint') out.push({ op: 'safeint' });
    else if (d.check === 'greater_than' && typeof bound === 'number')
      out.push({ op: d.inclusive ? '>=' : '>', bound });
    else if (d.check === 'less_than' && typeof bound === 'number')
      out.push({ op: d.inclusive ? '<=' : '<', bound });
    else return undefined;
  }
  return out;
}

function shapeOf(def: Def): Shape | undefined {
  const checked = def.checks !== undefined && def.checks.length > 0;
  switch (def.type) {
    case 'string': {
      const checks = def.coerce ? undefined : lengthChecks(def.checks);
      return checks && { kind: 'string', checks };
    }
    case 'number': {
      const checks = def.coerce ? undefined : numberChecks(def.checks);
      return checks && { kind: 'number', checks };
    }
    case 'enum':
    case 'literal': {
      const values = def.type === 'enum' ? Object.values(def.entries ?? {}) : def.values;
      if (checked || !values || !values.every((x) => typeof x === 'string')) return undefined;
      return { kind: 'oneOf', values: values as string[] };
    }
    case 'optional':
    case 'nullable': {
      const inner = def.innerType && !checked ? shapeOf(def.innerType._zod.def) : undefined;
      return inner && { kind: def.type, inner };
    }
    case 'object': {
      // Loose (catchall unknown) or stripping (no catchall): keys outside the shape are accepted either way.
      if (checked || !def.shape) return undefined;
      if (def.catchall !== undefined && def.catchall._zod.def.type !== 'unknown') return undefined;
      const keys: string[] = [];
      const fields: Shape[] = [];
      for (const [key, schema] of Object.entries(def.shape)) {
        const field = shapeOf(schema._zod.def);
        if (!field) return undefined;
        keys.push(key);
        fields.push(field);
      }
      return { kind: 'object', keys, fields };
    }
    default:
      return undefined;
  }
}

function passes(check: Check, v: number): boolean {
  switch (check.op) {
    case 'safeint':
      return Number.isSafeInteger(v);
    case '>=':
      return v >= check.bound;
    case '<=':
      return v <= check.bound;
    case '>':
      return v > check.bound;
    case '<':
      return v < check.bound;
  }
}

function passesAll(checks: readonly Check[], v: number): boolean {
  for (const c of checks) if (!passes(c, v)) return false;
  return true;
}

/** The shape as closures: the predicate where code cannot be generated. */
function interpret(shape: Shape): Accepts {
  switch (shape.kind) {
    case 'string':
      return (v) => typeof v === 'string' && passesAll(shape.checks, v.length);
    case 'number':
      return (v) => typeof v === 'number' && Number.isFinite(v) && passesAll(shape.checks, v);
    case 'oneOf': {
      const set: ReadonlySet<unknown> = new Set(shape.values);
      return (v) => set.has(v);
    }
    case 'optional': {
      const inner = interpret(shape.inner);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = interpret(shape.inner);
      return (v) => v === null || inner(v);
    }
    case 'object': {
      const { keys } = shape;
      const fields = shape.fields.map(interpret);
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
        const o = v as Record<string, unknown>;
        for (let i = 0; i < keys.length; i++) if (!(fields[i] as Accepts)(o[keys[i] as string])) return false;
        return true;
      };
    }
  }
}

function checkSource(check: Check, v: string): string {
  return check.op === 'safeint' ? `Number.isSafeInteger(${v})` : `${v} ${check.op} ${check.bound}`;
}

// A boolean expression over the expression `v`; keys and values enter it only as JSON string literals and bounds
// only as numbers (checked finite), so nothing of a schema can become code.
function source(shape: Shape, v: string): string | undefined {
  switch (shape.kind) {
    case 'string':
    case 'number': {
      if (shape.checks.some((c) => c.op !== 'safeint' && !Number.isFinite(c.bound))) return undefined;
      const head =
        shape.kind === 'string'
          ? `typeof ${v} === 'string'`
          : `typeof ${v} === 'number' && Number.isFinite(${v})`;
      const of = shape.kind === 'string' ? `${v}.length` : v;
      return `(${[head, ...shape.checks.map((c) => checkSource(c, of))].join(' && ')})`;
    }
    case 'oneOf':
      return shape.values.length === 0
        ? 'false'
        : `(${shape.values.map((x) => `${v} === ${JSON.stringify(x)}`).join(' || ')})`;
    case 'optional':
    case 'nullable': {
      const inner = source(shape.inner, v);
      return inner && `(${v} === ${shape.kind === 'optional' ? 'undefined' : 'null'} || ${inner})`;
    }
    case 'object': {
      const parts = [`typeof ${v} === 'object'`, `${v} !== null`, `!Array.isArray(${v})`];
      for (let i = 0; i < shape.keys.length; i++) {
        const field = source(shape.fields[i] as Shape, `${v}[${JSON.stringify(shape.keys[i])}]`);
        if (!field) return undefined;
        parts.push(field);
      }
      return `(${parts.join(' && ')})`;
    }
  }
}

/**
 * The shape as one generated function: each field read by a fixed name, so the engine caches every read (the
 * closures read `o[key]` for changing keys). Undefined when `new Function` is unavailable (e.g. a CSP that forbids
 * it) or a bound cannot be written as a literal.
 */
function generate(shape: Shape): Accepts | undefined {
  const body = source(shape, 'v');
  if (!body) return undefined;
  try {
    return new Function('v', `"use strict"; return ${body};`) as Accepts;
  } catch {
    return undefined;
  }
}

/** The predicate for `schema`, or undefined when the schema uses anything this compiler does not know. */
export function compileAccepts(schema: z.ZodType): Accepts | undefined {
  const shape = shapeOf((schema as unknown as { _zod: { def: Def } })._zod.def);
  return shape && (generate(shape) ?? interpret(shape));
}

/** The same predicate as closures only (what `compileAccepts` gives where code cannot be generated), for tests. */
export function interpretAccepts(schema: z.ZodType): Accepts | undefined {
  const shape = shapeOf((schema as unknown as { _zod: { def: Def } })._zod.def);
  return shape && interpret(shape);
}
