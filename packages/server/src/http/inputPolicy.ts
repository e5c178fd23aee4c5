import { AppError, type ErrorDetail } from '../errors.ts';

/** Deepest nesting of objects and arrays any input may have (bodies, tRPC inputs, forms). */
export const MAX_DEPTH = 64;

/** At most this many problems are listed; the first ones say what to fix. */
const MAX_PROBLEMS = 20;

/**
 * Why Postgres could not store `s`, or null when it can: text and jsonb refuse the NUL character, and a lone UTF-16
 * surrogate has no UTF-8 form (jsonb refuses its `\ud800` escape).
 */
export function unstorableReason(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which cannot be stored';
  if (!s.isWellFormed()) return 'contains a lone UTF-16 surrogate, which is not valid Unicode';
  return null;
}

function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

/**
 * Every string (values and object keys alike) of an input that Postgres cannot hold, and any nesting past
 * {@link MAX_DEPTH}, as problems with dotted paths. The walk stops at {@link MAX_DEPTH}, so it is safe on any value.
 */
export function inputProblems(value: unknown): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const walk = (v: unknown, path: string, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    if (typeof v === 'string') {
      const why = unstorableReason(v);
      if (why) problems.push({ path: path || '(input)', message: why });
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (depth >= MAX_DEPTH) {
      problems.push({ path: path || '(input)', message: `nested deeper than ${MAX_DEPTH} levels` });
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], join(path, i), depth + 1);
      return;
    }
    for (const [k, child] of Object.entries(v)) {
      const why = unstorableReason(k);
      if (why) {
        // The key itself cannot be printed faithfully; say where it is and show it escaped.
        problems.push({ path: join(path, JSON.stringify(k)), message: `this key ${why}` });
        continue;
      }
      walk(child, join(path, k), depth + 1);
    }
  };
  walk(value, '', 0);
  return problems;
}

/** Throws 400 `validation_error` listing what {@link inputProblems} finds. */
export function assertStorableInput(value: unknown): void {
  const problems = inputProblems(value);
  if (problems.length === 0) return;
  const where = problems.map((p) => p.path).join(', ');
  throw new AppError('validation_error', `Invalid input: ${where}`, problems);
}

/** The `{name}` placeholders of a REST path, in order. */
export function pathParameterNames(path: string): string[] {
  return Array.from(path.matchAll(/\{(\w+)\}/g), (m) => m[1] as string);
}

/**
 * Percent-decodes the path parameters of a REST call once, before validation: `/v1/users/a%3Ab` is the user `a:b`
 * (every generated client encodes them). trpc-to-openapi hands them over as they were in the URL.
 */
export function decodePathParameters(
  input: Record<string, unknown>,
  names: readonly string[],
): Record<string, unknown> {
  const out = { ...input };
  for (const name of names) {
    const raw = out[name];
    if (typeof raw !== 'string') continue;
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      throw new AppError('validation_error', `Invalid input: ${name} is not valid percent-encoding`, [
        { path: name, message: `"${raw}" is not valid percent-encoding (e.g. a lone "%")` },
      ]);
    }
  }
  return out;
}
