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

function lengthChecks(checks: Def['checks']): ((v: string) => boolean)[] | undefined {
  const out: ((v: string) => boolean)[] = [];
  for (const c of checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'min_length' && typeof d.minimum === 'number') {
      const min = d.minimum;
      out.push((v) => v.length >= min);
    } else if (d.check === 'max_length' && typeof d.maximum === 'number') {
      const max = d.maximum;
      out.push((v) => v.length <= max);
    } else return undefined;
  }
  return out;
}

function numberChecks(checks: Def['checks']): ((v: number) => boolean)[] | undefined {
  const out: ((v: number) => boolean)[] = [];
  for (const c of checks ?? []) {
    const d = c._zod.def;
    const bound = d.value;
    if (d.check === 'number_format' && d.format === 'safeint') out.push(Number.isSafeInteger);
    else if (d.check === 'greater_than' && typeof bound === 'number')
      out.push(d.inclusive ? (v) => v >= bound : (v) => v > bound);
    else if (d.check === 'less_than' && typeof bound === 'number')
      out.push(d.inclusive ? (v) => v <= bound : (v) => v < bound);
    else return undefined;
  }
  return out;
}

function all<T>(checks: readonly ((v: T) => boolean)[], v: T): boolean {
  for (const c of checks) if (!c(v)) return false;
  return true;
}

function compileDef(def: Def): Accepts | undefined {
  const checked = def.checks !== undefined && def.checks.length > 0;
  switch (def.type) {
    case 'string': {
      const checks = def.coerce ? undefined : lengthChecks(def.checks);
      if (!checks) return undefined;
      return (v) => typeof v === 'string' && all(checks, v);
    }
    case 'number': {
      const checks = def.coerce ? undefined : numberChecks(def.checks);
      if (!checks) return undefined;
      return (v) => typeof v === 'number' && Number.isFinite(v) && all(checks, v);
    }
    case 'enum':
    case 'literal': {
      const values = def.type === 'enum' ? Object.values(def.entries ?? {}) : def.values;
      if (checked || !values || !values.every((x) => typeof x === 'string')) return undefined;
      const set: ReadonlySet<unknown> = new Set(values);
      return (v) => set.has(v);
    }
    case 'optional':
    case 'nullable': {
      const inner = def.innerType && !checked ? compileDef(def.innerType._zod.def) : undefined;
      if (!inner) return undefined;
      return def.type === 'optional' ? (v) => v === undefined || inner(v) : (v) => v === null || inner(v);
    }
    case 'object': {
      // Loose (catchall unknown) or stripping (no catchall): keys outside the shape are accepted either way.
      if (checked || !def.shape) return undefined;
      if (def.catchall !== undefined && def.catchall._zod.def.type !== 'unknown') return undefined;
      const keys: string[] = [];
      const fields: Accepts[] = [];
      for (const [key, schema] of Object.entries(def.shape)) {
        const field = compileDef(schema._zod.def);
        if (!field) return undefined;
        keys.push(key);
        fields.push(field);
      }
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
        const o = v as Record<string, unknown>;
        for (let i = 0; i < keys.length; i++) if (!(fields[i] as Accepts)(o[keys[i] as string])) return false;
        return true;
      };
    }
    default:
      return undefined;
  }
}

/** The predicate for `schema`, or undefined when the schema uses anything this compiler does not know. */
export function compileAccepts(schema: z.ZodType): Accepts | undefined {
  return compileDef((schema as unknown as { _zod: { def: Def } })._zod.def);
}
