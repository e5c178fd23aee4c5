/**
 * Value comparison shared by conditions (and usable by anything else that compares event data).
 *
 * The rules, written down once:
 * - **No value**: a missing field and `null` are the same "no value". They equal each other and nothing else;
 *   `exists` is false for both; ordering (`greater_than`, `less_than`) and `contains` are false.
 * - **Numbers**: when one side is a number and the other a number or a numeric string (`"100"`, `"-1.5"`, `"1e3"`;
 *   no spaces, no hex), they compare as numbers. Ordering also compares two numeric strings as numbers. Two strings
 *   are *equal* only when they are the same characters (`"02134"` is not `"2134"`: strings are identifiers).
 * - **Booleans**: `true`/`false` equal the strings `"true"`/`"false"` (form-style rules send every value as text).
 * - **Dates**: two ISO 8601 strings (`2026-03-08`, `2026-03-08T09:30:00Z`, `…+01:00`) are equal when they name the
 *   same instant and ordered by instant; a date-time without an offset, and a date alone, are read as UTC.
 *   A number and a date never compare (epoch numbers are ambiguous between seconds and milliseconds).
 * - **Strings**: case-sensitive everywhere (`equals`, `contains`, `in`).
 * - **Arrays and objects**: `equals` is deep equality (array order matters, key order does not), elements compared
 *   by these same rules; `contains` on an array is membership, on a string a substring.
 */

/** Field path segments that could reach an object's prototype; rejected by validation and never resolved. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The number a number or numeric string stands for, else undefined. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.length <= 64 && NUMERIC.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The instant (ms since epoch) an ISO 8601 date or date-time string names, else undefined. */
export function toInstant(v: unknown): number | undefined {
  if (typeof v !== 'string' || v.length > 40) return undefined;
  const m = ISO_DATE.exec(v);
  if (!m) return undefined;
  // Date.parse reads an offset-less date-time in the machine's zone: pin it to UTC so results never depend on it.
  const text = m[4] !== undefined && m[7] === undefined ? `${v.replace(' ', 'T')}Z` : v.replace(' ', 'T');
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Equality by the rules above; symmetric, and `null`/missing equal each other. */
export function looseEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'string' && tb === 'string') {
    const ia = toInstant(a);
    return ia !== undefined && ia === toInstant(b);
  }
  if (ta === 'number' || tb === 'number') {
    const na = toNumber(a);
    return na !== undefined && na === toNumber(b);
  }
  if (ta === 'boolean' || tb === 'boolean') {
    // Only against text ("true"/"false"); never String() an object, whose toString may be anything in the data.
    if (ta === 'string') return a === String(b);
    return tb === 'string' && b === String(a);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!looseEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !looseEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Orders two values by the rules above: negative, zero or positive, or undefined when they do not compare. */
export function compareValues(a: unknown, b: unknown): number | undefined {
  const na = toNumber(a);
  if (na !== undefined) {
    const nb = toNumber(b);
    return nb === undefined ? undefined : na - nb;
  }
  const ia = toInstant(a);
  if (ia === undefined) return undefined;
  const ib = toInstant(b);
  return ib === undefined ? undefined : ia - ib;
}

/** Whether `haystack` contains `needle`: array membership (by `looseEqual`) or a case-sensitive substring. */
export function containsValue(haystack: unknown, needle: unknown): boolean {
  if (needle == null) return false;
  if (Array.isArray(haystack)) {
    for (const item of haystack) if (looseEqual(item, needle)) return true;
    return false;
  }
  if (typeof haystack === 'string' && (typeof needle === 'string' || typeof needle === 'number')) {
    return haystack.includes(String(needle));
  }
  return false;
}

// Names a plain object or array inherits. Any other segment can be read with a plain property access, which is
// equivalent to an own-property check on JSON data and several times faster than `Object.hasOwn` on the hot path.
/** Property names every plain object or array inherits (read only through an own-property check). */
export const INHERITED: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Array.prototype),
]);

type Step = (o: unknown) => unknown;

function step(seg: string): Step {
  if (INHERITED.has(seg)) {
    return (o) =>
      typeof o === 'object' && o !== null && Object.hasOwn(o, seg)
        ? (o as Record<string, unknown>)[seg]
        : undefined;
  }
  return (o) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[seg] : undefined);
}

/**
 * A precompiled path reader over JSON data (plain objects and arrays): own properties only, `undefined` for
 * anything missing, never a prototype member or a function.
 */
export function compilePath(path: string): (root: unknown) => unknown {
  const segs = path.split('.');
  if (segs.some((s) => FORBIDDEN_SEGMENTS.has(s))) return () => undefined;
  type Obj = Record<string, unknown>;
  const [a, b] = segs;
  // Specialised readers for one or two ordinary segments, the usual case: one call, no per-segment closures.
  if (!segs.some((s) => INHERITED.has(s))) {
    if (segs.length === 1 && a !== undefined) {
      return (o) => {
        if (typeof o !== 'object' || o === null) return undefined;
        const v = (o as Obj)[a];
        return typeof v === 'function' ? undefined : v;
      };
    }
    if (segs.length === 2 && a !== undefined && b !== undefined) {
      return (o) => {
        if (typeof o !== 'object' || o === null) return undefined;
        const x = (o as Obj)[a];
        if (typeof x !== 'object' || x === null) return undefined;
        const v = (x as Obj)[b];
        return typeof v === 'function' ? undefined : v;
      };
    }
  }
  const steps = segs.map(step);
  return (o) => {
    let cur = o;
    for (const s of steps) cur = s(cur);
    return typeof cur === 'function' ? undefined : cur;
  };
}

/** A short, safe rendering of a value for reasons (never throws, never huge). */
export function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
