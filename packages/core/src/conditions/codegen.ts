import { FORBIDDEN_SEGMENTS, INHERITED, looseEqual, toInstant, toNumber } from './compare.ts';
import { containsMatcher, equalsMatcher, inMatcher, orderMatcher } from './matchers.ts';
import type { Condition, ConditionLeaf, EvaluationInput } from './schema.ts';

/**
 * Generates a condition's boolean test as one JavaScript function, the way ajv compiles JSON schemas: V8 then
 * inlines the whole rule, which is what brings a 5-condition rule near a hand-written predicate (closures per leaf
 * cost several times more). Safety: no rule value or field name is ever spliced into code as code. Field names enter
 * only as `JSON.stringify` string literals, values only through the constants array `k`; the rest is fixed text.
 * The closure evaluator in evaluate.ts is the reference (a property test checks both agree) and the fallback when
 * the runtime forbids code generation (`--disallow-code-generation-from-strings`).
 */

type Test = (input: EvaluationInput) => boolean;

function isPlainString(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    v !== 'true' &&
    v !== 'false' &&
    toNumber(v) === undefined &&
    toInstant(v) === undefined
  );
}

class Generator {
  readonly consts: unknown[] = [];
  readonly fns: string[] = [];
  private readonly readers = new Map<string, string>();

  constant(v: unknown): string {
    this.consts.push(v);
    return `k[${this.consts.length - 1}]`;
  }

  /** A literal for strings and finite numbers (so V8 compares against a constant), else a constant slot. */
  lit(v: unknown): string {
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number' && Number.isFinite(v)) return `(${String(v)})`;
    return this.constant(v);
  }

  reader(path: string): string {
    const hit = this.readers.get(path);
    if (hit) return hit;
    const name = `r${this.readers.size}`;
    this.readers.set(path, name);
    const segs = path.split('.');
    if (segs.some((s) => FORBIDDEN_SEGMENTS.has(s))) {
      this.fns.push(`function ${name}(o) { return undefined; }`);
      return name;
    }
    const body = segs.map((s) => {
      const lit = JSON.stringify(s);
      const own = INHERITED.has(s) ? ` || !hasOwn(o, ${lit})` : '';
      return `if (typeof o !== 'object' || o === null${own}) return undefined; o = o[${lit}];`;
    });
    this.fns.push(
      `function ${name}(o) { ${body.join(' ')} return typeof o === 'function' ? undefined : o; }`,
    );
    return name;
  }

  /** A parenthesised expression for `looseEqual(x, v)`, specialised exactly like `equalsMatcher` (x: a plain name). */
  equals(x: string, v: unknown): string {
    if (v == null) return `(${x} == null)`;
    if (typeof v === 'number' && Number.isFinite(v)) {
      const n = this.lit(v);
      return `(${x} === ${n} || (typeof ${x} === 'string' && toNumber(${x}) === ${n}))`;
    }
    if (typeof v === 'boolean') return `(${x} === ${String(v)} || ${x} === ${this.lit(String(v))})`;
    if (typeof v === 'string') {
      const s = this.lit(v);
      const t = toInstant(v);
      if (t !== undefined)
        return `(${x} === ${s} || (typeof ${x} === 'string' && toInstant(${x}) === ${this.lit(t)}))`;
      if (v === 'true' || v === 'false') return `(${x} === ${s} || ${x} === ${v})`;
      const n = toNumber(v);
      if (n !== undefined) return `(${x} === ${s} || ${x} === ${this.lit(n)})`;
      return `(${x} === ${s})`;
    }
    return `${this.constant(equalsMatcher(v))}(${x})`;
  }

  leaf(leaf: ConditionLeaf): string {
    const { field, operator, value } = leaf;
    const r = this.reader(field);
    let body: string;
    switch (operator) {
      case 'equals':
        body = `return ${this.equals('x', value)};`;
        break;
      case 'not_equals':
        body = `return !${this.equals('x', value)};`;
        break;
      case 'contains':
        // For a plain string, array membership is strict equality, so Array#includes is exact.
        body = isPlainString(value)
          ? `return typeof x === 'string' ? x.includes(${this.lit(value)}) : Array.isArray(x) && x.includes(${this.lit(value)});`
          : typeof value === 'string'
            ? `return typeof x === 'string' ? x.includes(${this.lit(value)}) : ${this.constant(containsMatcher(value))}(x);`
            : `return ${this.constant(containsMatcher(value))}(x);`;
        break;
      case 'in': {
        // A list of plain strings (no numbers, dates or booleans as text) is strict equality for a string field:
        // a chain of comparisons for a short list, a Set lookup for a long one.
        const m = this.constant(inMatcher(value));
        if (!Array.isArray(value) || !value.every(isPlainString)) body = `return ${m}(x);`;
        else {
          const test =
            value.length <= 8
              ? `(${value.map((e) => `x === ${this.lit(e)}`).join(' || ')})`
              : `${this.constant(new Set(value))}.has(x)`;
          body = `return typeof x === 'string' ? ${test} : ${m}(x);`;
        }
        break;
      }
      case 'greater_than':
      case 'less_than': {
        const sign = operator === 'greater_than' ? 1 : -1;
        const m = this.constant(orderMatcher(value, sign));
        const n = toNumber(value);
        body =
          n === undefined
            ? `return ${m}(x);`
            : `return typeof x === 'number' ? Number.isFinite(x) && x ${sign === 1 ? '>' : '<'} ${this.lit(n)} : ${m}(x);`;
        break;
      }
      case 'exists':
        body = 'return x != null;';
        break;
      case 'changed':
        body = `if (!hp) return false; return !looseEqual(x, ${r}(p));`;
        break;
      case 'changed_to':
        body = `if (!hp) return false; const y = ${r}(p); return ${this.equals('x', value)} && !${this.equals('y', value)};`;
        break;
      case 'changed_from':
        body = `if (!hp) return false; const y = ${r}(p); return !${this.equals('x', value)} && ${this.equals('y', value)};`;
        break;
    }
    const name = `t${this.fns.length}`;
    this.fns.push(`function ${name}(d, p, hp) { const x = ${r}(d); ${body} }`);
    return `${name}(d, p, hp)`;
  }

  node(cond: Condition): string {
    if ('all' in cond)
      return cond.all.length === 0 ? 'true' : `(${cond.all.map((c) => this.node(c)).join(' && ')})`;
    if ('any' in cond)
      return cond.any.length === 0 ? 'false' : `(${cond.any.map((c) => this.node(c)).join(' || ')})`;
    return this.leaf(cond);
  }
}

/** The generated boolean test of a (validated) condition, or undefined when code generation is unavailable. */
export function generateTest(cond: Condition): Test | undefined {
  const g = new Generator();
  const expr = g.node(cond);
  const source = `"use strict";\n${g.fns.join('\n')}\nreturn function test(input) { const d = input.data; const p = input.previous; const hp = typeof p === 'object' && p !== null; return ${expr}; };`;
  try {
    const factory = new Function('k', 'toNumber', 'toInstant', 'looseEqual', 'hasOwn', source);
    return factory(g.consts, toNumber, toInstant, looseEqual, Object.hasOwn) as Test;
  } catch {
    return undefined;
  }
}
