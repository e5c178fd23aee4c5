import { compareValues, containsValue, looseEqual, toInstant, toNumber } from './compare.ts';

/** A one-argument predicate over a field's value, built once per rule value. */
export type ValueMatcher = (x: unknown) => boolean;

/**
 * `x => looseEqual(x, v)` specialised for the rule value `v`: most rules compare against a plain string or number,
 * and deciding the comparison kind once (instead of per evaluation) is what keeps evaluation near hand-written speed.
 * A property test checks it against `looseEqual` on arbitrary JSON.
 */
export function equalsMatcher(v: unknown): ValueMatcher {
  if (v == null) return (x) => x == null;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return () => false;
    return (x) => x === v || (typeof x === 'string' && toNumber(x) === v);
  }
  if (typeof v === 'boolean') {
    const s = String(v);
    return (x) => x === v || x === s;
  }
  if (typeof v === 'string') {
    const t = toInstant(v);
    if (t !== undefined) return (x) => x === v || (typeof x === 'string' && toInstant(x) === t);
    if (v === 'true' || v === 'false') {
      const b = v === 'true';
      return (x) => x === v || x === b;
    }
    const n = toNumber(v);
    if (n !== undefined) return (x) => x === v || x === n;
    return (x) => x === v;
  }
  return (x) => looseEqual(x, v);
}

/** `x => compareValues(x, v) * sign > 0`, specialised like `equalsMatcher`; `sign` 1 is greater, -1 less. */
export function orderMatcher(v: unknown, sign: 1 | -1): ValueMatcher {
  const n = toNumber(v);
  if (n !== undefined) {
    return (x) => {
      if (typeof x === 'number') return Number.isFinite(x) && (x - n) * sign > 0;
      const xn = toNumber(x);
      return xn !== undefined && (xn - n) * sign > 0;
    };
  }
  const t = toInstant(v);
  if (t !== undefined) {
    return (x) => {
      if (typeof x !== 'string') return false;
      const xt = toInstant(x);
      return xt !== undefined && (xt - t) * sign > 0;
    };
  }
  return (x) => {
    const c = compareValues(x, v);
    return c !== undefined && c * sign > 0;
  };
}

/** `x` contains `v`: array membership or substring. */
export function containsMatcher(v: unknown): ValueMatcher {
  if (typeof v === 'string') {
    const eq = equalsMatcher(v);
    return (x) => {
      if (typeof x === 'string') return x.includes(v);
      if (!Array.isArray(x)) return false;
      for (const item of x) if (eq(item)) return true;
      return false;
    };
  }
  return (x) => containsValue(x, v);
}

/** `x` is one of the list `v` (or, when `x` is an array, any member of `x` is). */
export function inMatcher(v: unknown): ValueMatcher {
  if (!Array.isArray(v)) return () => false;
  const eqs = v.map(equalsMatcher);
  const one = (x: unknown): boolean => {
    for (const eq of eqs) if (eq(x)) return true;
    return false;
  };
  return (x) => {
    if (!Array.isArray(x)) return x != null && one(x);
    for (const item of x) if (item != null && one(item)) return true;
    return false;
  };
}
